// The start-up self-check of our wasm kernels: quiet when they agree with cpu; with one faulty
// kernel injected, it takes all of ours out, the stock ones run, and the user is told where they
// look — the engine's ready notification (status bar tooltip) and the CLI's stderr.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import * as tf from '../../src/engine/tf';
import { injectFaultyKernel } from '../../src/engine/kernels/faultInjection';
import { kernelCases, relativeError, runKernelCase } from '../../src/engine/kernels/kernelCases';
import { ourKernelNames, registerWasmGradientKernels } from '../../src/engine/kernels/registerWasmKernels';
import { selfCheckWasmKernels } from '../../src/engine/kernels/selfCheck';
import { statusTooltip } from '../../src/extension/statusTooltip';
import { EngineNotifications, EngineRequests, type ReadyParams, type SaliencyResult } from '../../src/shared/engineProtocol';
import { useWasm } from './support/backend';
import { referenceFile } from './support/reference';

const root = path.resolve(__dirname, '../..');
const bundles = { cli: path.join(root, `dist/.cli-selfcheck-${process.pid}.js`), engine: path.join(root, `dist/.engine-selfcheck-${process.pid}.js`) };
const model = referenceFile('model_a/model/model.json');
const image = referenceFile('model_a/radial_bar/input.png');

beforeAll(async () => {
  await useWasm();
  for (const [name, outfile] of Object.entries(bundles)) {
    await esbuild.build({ entryPoints: [path.join(root, `src/engine/${name === 'cli' ? 'cli' : 'main'}.ts`)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  }
});

afterAll(() => Object.values(bundles).forEach((f) => rmSync(f, { force: true })));

describe('in process', () => {
  it('passes, quickly, when our kernels agree with cpu', () => {
    registerWasmGradientKernels();
    const check = selfCheckWasmKernels();
    expect(check).toMatchObject({ ok: true, failures: [] });
    expect(check.warning).toBeUndefined();
    expect(ourKernelNames().length).toBeGreaterThanOrEqual(7);
    // A few milliseconds on a quiet machine; generous for a loaded CI runner.
    expect(check.ms).toBeLessThan(1000);
  });

  it('falls back to the stock kernels when one of ours is wrong', async () => {
    registerWasmGradientKernels();
    const ours = tf.getKernel(tf.MaxPoolGrad, 'wasm');
    injectFaultyKernel(tf.MaxPoolGrad);
    const check = selfCheckWasmKernels();
    expect(check.ok).toBe(false);
    expect(check.failures).toEqual([expect.stringMatching(/^MaxPoolGrad: relative error 0\.5/)]);
    expect(check.warning).toMatch(/self-check \(MaxPoolGrad\).*stock TF\.js kernels/);
    // All of ours are out: the stock MaxPoolGrad is back, kernels wasm lacks run on cpu.
    expect(ourKernelNames()).toEqual([]);
    const now = tf.getKernel(tf.MaxPoolGrad, 'wasm');
    expect(now).toBeDefined();
    expect(now).not.toBe(ours);
    const filterGrad = kernelCases().find((c) => c.kernel === tf.Conv2DBackpropFilter)!;
    expect(relativeError(runKernelCase('wasm', filterGrad), runKernelCase('cpu', filterGrad))).toBeLessThan(1e-6);
    // The stock kernel computes a max-pool gradient correctly when every window has one positive
    // maximum (it drops windows whose maximum is tied or not above 0). It reads the pooled
    // output, so this goes through tf.grad rather than a raw case.
    const poolGrad = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => tf.grad((x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid').square().sum())(tf.randomUniform([2, 6, 6, 3], 0.1, 1, 'float32', 5)).dataSync() as Float32Array);
    };
    expect(relativeError(await poolGrad('wasm'), await poolGrad('cpu'))).toBeLessThan(1e-5);
    await tf.setBackend('wasm');
    // Ours come back for the rest of this file.
    registerWasmGradientKernels();
    expect(selfCheckWasmKernels().ok).toBe(true);
  });

  it('the status bar tooltip shows the warning', () => {
    const ready: ReadyParams = { backend: 'wasm', backendPackage: '@tensorflow/tfjs-backend-wasm', tfjs: '4.22.0', node: 'v20', pid: 1, skipped: [], kernelWarning: 'kernels failed their self-check' };
    expect(statusTooltip(ready)).toMatch(/⚠ kernels failed their self-check/);
    expect(statusTooltip({ ...ready, kernelWarning: undefined })).not.toMatch(/⚠/);
  });
});

describe('end to end, with CONVSCOPE_TEST_FAULTY_KERNEL', () => {
  const env = { ...process.env, CONVSCOPE_BACKEND: 'wasm', CONVSCOPE_TEST_FAULTY_KERNEL: tf.Conv2DBackpropInput };

  it('the CLI says so on stderr, in its JSON, and still answers', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [bundles.cli, 'saliency', '--model', model, '--image', image, '--method', 'vanilla', '--json', '-'], { env, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr })));
    expect(r.code, r.stderr).toBe(0);
    // One line: the warning, and no TF.js banner from the cpu backend the check runs on.
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^convscope: warning: .*self-check \(Conv2DBackpropInput\)/)]);
    const json = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { kernelWarning?: string; map: { data: number[] } };
    expect(json.kernelWarning).toMatch(/Conv2DBackpropInput/);
    expect(json.map.data.some((v) => v > 0)).toBe(true);
  });

  it('without a faulty kernel the CLI prints nothing on stderr', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, [bundles.cli, 'info', '--model', model], { env: { ...env, CONVSCOPE_TEST_FAULTY_KERNEL: '' }, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr })));
    expect(r).toEqual({ code: 0, stderr: '' });
  });

  it('the engine puts it in its ready notification', async () => {
    const child = fork(bundles.engine, [], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    try {
      const ready = new Promise<ReadyParams>((resolve) => connection.onNotification(EngineNotifications.ready, resolve));
      connection.listen();
      expect((await ready).kernelWarning).toMatch(/self-check \(Conv2DBackpropInput\)/);
      const s: SaliencyResult = await connection.sendRequest(EngineRequests.saliency, { model, image, method: 'vanilla', options: {} });
      expect(s.map.shape).toEqual([32, 32]);
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
