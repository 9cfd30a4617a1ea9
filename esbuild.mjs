// One build per target. Node-side targets keep npm packages external: tfjs-node (when it loads)
// must share the very same @tensorflow/tfjs-core instance as our code, and the wasm backend finds
// its .wasm files next to its own module. Webviews are browser bundles with everything inside.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', sourcemap: true, logLevel: 'warning' };
const browser = { bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: true, logLevel: 'warning', minify: true };

const targets = [
  { ...node, entryPoints: ['src/engine/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['src/engine/main.ts'], outfile: 'dist/engine.js' },
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  ...['filters', 'activations', 'saliency'].map((kind) => ({ ...browser, entryPoints: [`src/webviews/${kind}/main.ts`], outfile: `dist/webviews/${kind}.js` })),
  { ...node, entryPoints: ['scripts/prepareModels.ts'], outfile: 'dist/scripts/prepareModels.js' },
  { ...node, entryPoints: ['scripts/trainMnist.ts'], outfile: 'dist/scripts/trainMnist.js' },
  { ...node, entryPoints: ['scripts/demo.ts'], outfile: 'dist/scripts/demo.js' },
  { ...node, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench/bench.js' },
].filter((t) => t.entryPoints.every((p) => existsSync(p)));

await Promise.all(targets.map((t) => esbuild.build(t)));
console.log(`built ${targets.map((t) => t.outfile).join(', ')}`);
