// What the VSIX ships (as `vsce ls` lists it, the same file selection `vsce package` uses): the
// bundles, the wasm binaries and the webview assets, no node_modules. Then the listed files alone,
// copied where no node_modules can be found, must run: the engine child process (auto backend →
// wasm, native backends skipped as not installed), and the bundled CLI beside the same binaries.
import { execFileSync, fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineNotifications, EngineRequests, type ModelInfoResult, type ReadyParams } from '../../src/shared/engineProtocol';
import { panelKinds, webviewBundle } from '../../src/shared/panelKinds';

const root = path.resolve(__dirname, '../..');
const model = path.join(root, 'models/mnist-cnn/model.json');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
const wasmBinaries = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
let listed: string[] = [];
/** The shipped style networks' files (the extension finds them beside dist/, as the CLI finds models/inceptionv3). */
const shippedStyleFile = /^models\/style-(scream|starry-night)\/(model\.json|group1-shard1of1\.bin|model\.convscope\.json)$/;
// Under the OS temp folder: no node_modules above it, as in an installed extension.
const tmp = mkdtempSync(path.join(tmpdir(), 'convscope-vsix-'));

beforeAll(() => {
  execFileSync('node', ['esbuild.mjs'], { cwd: root, stdio: 'ignore' });
  const out = execFileSync('node', [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'ls'], { cwd: root, encoding: 'utf8' });
  listed = out.split('\n').map((l) => l.trim()).filter(Boolean);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('VSIX contents', () => {
  it('ship no node_modules, sources, source maps or models but the style networks', () => {
    expect(listed.length).toBeGreaterThan(5);
    expect(listed.filter((f) => /(^|\/)node_modules\/|^src\/|^test\/|\.map$|\.ts$|^models\//.test(f) && !shippedStyleFile.test(f))).toEqual([]);
  });

  it('ship each style network present in models/ as its model.json, shard and sidecar (not its training checkpoint)', () => {
    for (const folder of ['style-scream', 'style-starry-night']) {
      const want = ['model.json', 'group1-shard1of1.bin', 'model.convscope.json'].map((f) => `models/${folder}/${f}`);
      const present = want.filter((f) => existsSync(path.join(root, f)));
      for (const f of present) expect(listed).toContain(f);
    }
    expect(listed.filter((f) => /^models\/.*(training-state\.json|adam-moments\.bin)$/.test(f))).toEqual([]);
  });

  it('ship the extension and engine bundles, the webviews, their css and the wasm binaries', () => {
    for (const f of [manifest.main.replace(/^\.\//, ''), 'dist/engine.js', ...panelKinds.map(({ kind }) => webviewBundle(kind)), 'media/panel.css', 'package.json', ...wasmBinaries.map((w) => `dist/${w}`)]) {
      expect(listed).toContain(f);
    }
  });

  it('ship only files the extension uses at run time (allowlist, so scratch files in dist/ stay out)', () => {
    const unexpected = listed.filter((f) => !/^(package\.json|README\.md|LICENSE|media\/[\w-]+\.css|dist\/(extension|engine)\.js|dist\/webviews\/\w+\.js|dist\/tfjs-backend-wasm[\w-]*\.wasm|dist\/tfjs-backend-wasm-threaded-simd(\.worker)?\.js)$/.test(f) && !shippedStyleFile.test(f));
    expect(unexpected).toEqual([]);
  });
});

describe('the shipped files alone', () => {
  function copyListed(to: string): void {
    for (const f of listed) {
      mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
      copyFileSync(path.join(root, f), path.join(to, f));
    }
  }

  it('start the engine on wasm, skip the native backends as not installed, and read a model', async () => {
    const ext = path.join(tmp, 'extension');
    copyListed(ext);
    const env = { ...process.env };
    delete env.CONVSCOPE_BACKEND;
    const child = fork(path.join(ext, 'dist/engine.js'), [], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const ready = new Promise<ReadyParams>((resolve) => connection.onNotification(EngineNotifications.ready, resolve));
    connection.listen();
    try {
      const r = await ready;
      expect(r.backend).toBe('wasm');
      expect(r.skipped).toHaveLength(2);
      for (const line of r.skipped) expect(line).toMatch(/^@tensorflow\/tfjs-node(-gpu)?: not installed/);
      const info: ModelInfoResult = await connection.sendRequest(EngineRequests.modelInfo, { model });
      expect(info.layers.map((l) => l.name)).toContain('conv1');
    } finally {
      connection.dispose();
      child.kill();
    }
  }, 60_000);

  it('start the threaded wasm build when CONVSCOPE_WASM_THREADS asks for it (its glue and worker ship too)', async () => {
    const ext = path.join(tmp, 'extension-threads');
    copyListed(ext);
    const env: NodeJS.ProcessEnv = { ...process.env, CONVSCOPE_WASM_THREADS: '2' };
    delete env.CONVSCOPE_BACKEND;
    const child = fork(path.join(ext, 'dist/engine.js'), [], { cwd: tmp, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const ready = new Promise<ReadyParams>((resolve) => connection.onNotification(EngineNotifications.ready, resolve));
    connection.listen();
    try {
      const r = await ready;
      expect(r.backend).toBe('wasm');
      expect(r.backendPackage).toBe('@tensorflow/tfjs-backend-wasm (threaded)');
      const info: ModelInfoResult = await connection.sendRequest(EngineRequests.modelInfo, { model });
      expect(info.layers.map((l) => l.name)).toContain('conv1');
    } finally {
      connection.dispose();
      child.kill();
    }
  }, 60_000);

  it('the bundled CLI runs beside the same wasm binaries', () => {
    const cliDir = path.join(tmp, 'cli');
    mkdirSync(cliDir, { recursive: true });
    for (const f of ['cli.js', ...wasmBinaries]) copyFileSync(path.join(root, 'dist', f), path.join(cliDir, f));
    const out = execFileSync('node', [path.join(cliDir, 'cli.js'), 'info', '--model', model], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/^backend\s+wasm /m);
    expect(out).toMatch(/^conv1\s+Conv2D/m);
  });
});
