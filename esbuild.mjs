// One build per target. What ships (extension host, engine child process, CLI) is bundled with its
// npm packages, so the VSIX carries no node_modules; the tfjs-backend-wasm binaries are copied next
// to the bundles, where the engine looks for them (src/engine/wasmBinaries.ts). The native backends
// (@tensorflow/tfjs-node, -gpu) stay external: optional, required at run time only if installed
// (src/engine/nativeBackend.ts). Dev-only scripts and the bench keep every package external.
// Webviews are browser bundles with everything inside.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', sourcemap: true, logLevel: 'warning' };
/** Optional native backends: loaded from node_modules when present, never bundled. */
export const nativeBackends = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
// ignoreAnnotations: honour every bare import as Node's require would (tfjs packages declare
// sideEffects lists that leave out their Node bundles, whose imports register kernels).
// h5wasm (Keras files) is an ES module whose Emscripten glue calls createRequire(import.meta.url);
// in these CommonJS bundles import.meta is empty, so it gets the bundle's own file URL instead.
const importMetaUrl = { define: { 'import.meta.url': 'importMetaUrl' }, inject: ['scripts/esbuildImportMetaUrl.js'] };
const shipped = { ...node, packages: undefined, external: nativeBackends, ignoreAnnotations: true, ...importMetaUrl };
const browser = { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, logLevel: 'warning', minify: true };

// The table of panel kinds is TypeScript (it also types PanelKind) with no imports: compile it on
// its own and load it, so each row gets its webview bundle without a second list here.
const [panelTable] = (await esbuild.build({ entryPoints: ['src/shared/panelKinds.ts'], format: 'esm', write: false, logLevel: 'warning' })).outputFiles;
const { panelKinds, webviewEntry, webviewBundle } = await import(`data:text/javascript;base64,${Buffer.from(panelTable.text).toString('base64')}`);

const targets = [
  { ...shipped, entryPoints: ['src/engine/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...shipped, entryPoints: ['src/engine/main.ts'], outfile: 'dist/engine.js' },
  { ...shipped, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode', ...nativeBackends] },
  ...panelKinds.map(({ kind }) => ({ ...browser, entryPoints: [webviewEntry(kind)], outfile: webviewBundle(kind) })),
  { ...node, entryPoints: ['scripts/prepareModels.ts'], outfile: 'dist/scripts/prepareModels.js' },
  { ...node, entryPoints: ['scripts/trainMnist.ts'], outfile: 'dist/scripts/trainMnist.js' },
  { ...node, entryPoints: ['scripts/trainStyle.ts'], outfile: 'dist/scripts/trainStyle.js' },
  { ...node, entryPoints: ['scripts/demo.ts'], outfile: 'dist/scripts/demo.js' },
  { ...node, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench/bench.js' },
  { ...node, entryPoints: ['bench/wasmThreads.ts'], outfile: 'dist/bench/wasmThreads.js' },
].filter((t) => t.entryPoints.every((p) => existsSync(p)));

await Promise.all(targets.map((t) => esbuild.build(t)));
// The wasm backend's binaries, beside the bundles that load it (vanilla, SIMD, threaded SIMD).
const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
mkdirSync('dist', { recursive: true });
for (const f of readdirSync(wasmDir).filter((n) => /^tfjs-backend-wasm.*\.wasm$/.test(n))) copyFileSync(`${wasmDir}/${f}`, `dist/${f}`);
// The threaded build's Emscripten glue and its pthread worker (src/engine/wasmThreads.ts): the glue
// is required at run time from dist/ (its workers load the same file); the package's worker module
// only exports the worker script as a string, written here as a script Node can start.
const wasmOut = 'node_modules/@tensorflow/tfjs-backend-wasm/wasm-out';
copyFileSync(`${wasmOut}/tfjs-backend-wasm-threaded-simd.js`, 'dist/tfjs-backend-wasm-threaded-simd.js');
const { wasmWorkerContents } = createRequire(import.meta.url)(`./${wasmOut}/tfjs-backend-wasm-threaded-simd.worker.js`);
writeFileSync('dist/tfjs-backend-wasm-threaded-simd.worker.js', wasmWorkerContents.replace(/\n/g, '\\n'));
console.log(`built ${targets.map((t) => t.outfile).join(', ')}`);
