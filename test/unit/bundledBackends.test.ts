// How the bundled engine finds its optional parts: the wasm binaries beside the bundle (or in
// node_modules from source), and a native backend package that, when installed, must share the
// engine's own TensorFlow.js instead of loading a second one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/engine/nativeBackend';
import { findWasmBinaries, requiredWasmBinaries, useWasmBinaries } from '../../src/engine/wasmBinaries';

const tmp = mkdtempSync(path.join(tmpdir(), 'convscope-backends-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

describe('wasm binaries', () => {
  it('takes the first folder that has every binary the backend may pick', () => {
    const partial = path.join(tmp, 'partial');
    const complete = path.join(tmp, 'complete');
    write(path.join(partial, requiredWasmBinaries[0]), '');
    for (const f of requiredWasmBinaries) write(path.join(complete, f), '');
    expect(findWasmBinaries([undefined, partial, complete])).toBe(complete);
    expect(findWasmBinaries([partial])).toBeUndefined();
  });

  it('from source, finds the binaries in node_modules', () => {
    const dir = useWasmBinaries();
    expect(findWasmBinaries([dir])).toBe(dir);
    expect(dir).toMatch(/tfjs-backend-wasm/);
  });
});

describe('native backend packages', () => {
  it('a missing package fails with one line, so the picker can fall back', () => {
    expect(() => loadNativeBackend('@tensorflow/tfjs-node', tmp)).toThrow(/^not installed \(looked for '@tensorflow\/tfjs-node' from /);
  });

  it('an installed one gets this engine\'s TensorFlow.js, not its own copy', () => {
    const app = path.join(tmp, 'app');
    const modules = path.join(app, 'node_modules/@tensorflow');
    // Its own copy of the umbrella package would throw if it were ever loaded.
    write(path.join(modules, 'tfjs/package.json'), JSON.stringify({ name: '@tensorflow/tfjs', main: 'index.js' }));
    write(path.join(modules, 'tfjs/index.js'), "throw new Error('second copy of @tensorflow/tfjs loaded');");
    write(path.join(modules, 'tfjs-node/package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', main: 'index.js' }));
    write(path.join(modules, 'tfjs-node/index.js'), "const tf = require('@tensorflow/tfjs'); module.exports = { engine: tf.engine(), registerBackend: tf.registerBackend };");
    const loaded = loadNativeBackend('@tensorflow/tfjs-node', path.join(app, 'dist')) as { engine: unknown; registerBackend: unknown };
    expect(loaded.engine).toBe(tfjs.engine());
    expect(loaded.registerBackend).toBe(tfjs.registerBackend);
  });
});
