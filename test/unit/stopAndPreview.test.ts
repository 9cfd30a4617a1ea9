import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { EngineClient, type JobHandle } from '../../src/extension/engineClient';
import { EngineCancelledError } from '../../src/extension/engineErrors';
import { EngineRequests, type PreviewParams, type SaliencyParams, type SaliencyResult } from '../../src/shared/engineProtocol';
import { runBatches } from '../../src/engine/methods/batching';
import { CancelledError } from '../../src/engine/methods/types';
import { throttleGate } from '../../src/engine/service/throttle';
import { referenceFile, relL2 } from './support/reference';

// Stop and preview (DESIGN.md §4) through the real engine child process and the extension's
// EngineClient: a stopped job answers with its partial result, which must be the result of a
// shorter run (not some half-updated state); a cancel still discards it; no tensor outlives either.

const root = path.resolve(__dirname, '../..');
// Our own build of the engine: other test files rebuild dist/engine.js while we would fork it.
const engine = path.join(root, `dist/.engine-stop-test-${process.pid}.js`);
const model = referenceFile('model_a/model/model.json');
const image = referenceFile('model_a/radial_bar/input.png');
let client: EngineClient;
let baselineTensors = 0;

const tensors = async () => (await client.request(EngineRequests.status, {})).tensors;

/** Runs a saliency request and stops it once `stopWhen` says so (checked on each preview and progress). */
async function runAndStop(params: SaliencyParams, stopWhen: (previews: PreviewParams[], fraction: number) => boolean) {
  const previews: PreviewParams[] = [];
  let job: JobHandle | undefined;
  let stopAsked: Promise<boolean> | undefined;
  const check = (fraction: number) => {
    if (!stopAsked && job && stopWhen(previews, fraction)) stopAsked = client.stop(job);
  };
  const result = await client.request(EngineRequests.saliency, params, {
    onJob: (j) => (job = j),
    onPreview: (p) => (previews.push(p), check(0)),
    onProgress: (p) => check(p.fraction),
  });
  return { result, previews, stopped: await stopAsked };
}

/** Width and height from a PNG's IHDR chunk, after checking the signature. */
function pngSize(base64: string): [number, number] {
  const png = Buffer.from(base64, 'base64');
  expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(png.subarray(12, 16).toString()).toBe('IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

beforeAll(async () => {
  await esbuild.build({ entryPoints: [path.join(root, 'src/engine/main.ts')], outfile: engine, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  client = new EngineClient({ enginePath: engine, backend: 'wasm', log: () => {}, requestTimeoutMs: 120_000 });
  // Load the model once, so what stays in memory afterwards is the model's weights only.
  await client.request(EngineRequests.saliency, { model, image, method: 'smoothgrad', options: { samples: 2 } });
  baselineTensors = await tensors();
}, 60_000);

afterAll(async () => {
  await client?.dispose();
  rmSync(engine, { force: true });
});

describe('engine child process', () => {
  it('a stopped SmoothGrad sends previews, then answers with the mean over the samples done', async () => {
    const samples = 4096;
    const options = { samples, seed: 7, memoryBudgetBytes: 1 };
    const { result, previews, stopped } = await runAndStop({ model, image, method: 'smoothgrad', options }, (p) => p.length >= 2);
    expect(stopped).toBe(true);
    expect(previews.length).toBeGreaterThanOrEqual(2);
    for (const p of previews) {
      expect(pngSize(p.pngBase64!)).toEqual([32, 32]);
      expect(p.of).toBe(samples);
      expect(p.scalars.samplesDone).toBe(p.step);
    }
    // Throttled: previews at least ~500 ms apart means far fewer than one per sample.
    expect(previews[1]!.step - previews[0]!.step).toBeGreaterThan(1);
    const done = result.details.stoppedAfter as number;
    expect(done).toBeGreaterThanOrEqual(previews[1]!.step);
    expect(done).toBeLessThan(samples);
    expect(result.details.backwardPasses).toBe(done);
    expect(result.warnings.join(' ')).toMatch(new RegExp(`stopped after ${done} of ${samples} samples`));
    const full: SaliencyResult = await client.request(EngineRequests.saliency, { model, image, method: 'smoothgrad', options: { ...options, samples: done } });
    expect(full.details.stoppedAfter).toBeUndefined();
    expect(full.warnings).toEqual([]);
    const err = relL2(result.map.data, full.map.data);
    console.log(`smoothgrad stopped after ${done}/${samples} samples, ${previews.length} previews; rel. L2 to a ${done}-sample run ${err.toExponential(2)}`);
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(await tensors()).toBe(baselineTensors);
  }, 60_000);

  it('a stopped integrated-gradients run says its attribution is partial', async () => {
    const steps = 4096;
    const { result, previews } = await runAndStop({ model, image, method: 'integrated-gradients', options: { steps, memoryBudgetBytes: 1 } }, (p) => p.length >= 1);
    expect(previews[0]!.pngBase64).toBeUndefined();
    expect(previews[0]!.scalars).toMatchObject({ stepsDone: previews[0]!.step, partialSumAttribution: expect.any(Number) });
    const done = result.details.stoppedAfter as number;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBeLessThan(steps);
    expect(result.warnings).toEqual([`stopped after ${done} of ${steps} steps: the attribution is partial; completeness does not hold`]);
    expect(await tensors()).toBe(baselineTensors);
  }, 60_000);

  it('a stopped occlusion run keeps the windows done and zeroes the pixels none covered', async () => {
    const { result } = await runAndStop({ model, image, method: 'occlusion', options: { window: 1, stride: 1, memoryBudgetBytes: 1 } }, (_p, fraction) => fraction > 0.1);
    const done = result.details.stoppedAfter as number;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(32 * 32);
    // 1-pixel windows in row-major order: pixel k is covered exactly when window k was done.
    expect(Array.from(result.map.data.slice(done)).every((v) => v === 0)).toBe(true);
    expect(Array.from(result.map.data.slice(0, done)).some((v) => v !== 0)).toBe(true);
    expect(result.warnings.join(' ')).toMatch(new RegExp(`stopped after ${done} of 1024 windows`));
  }, 60_000);

  it('a cancel still discards the job, and stopping a finished job does nothing', async () => {
    const abort = new AbortController();
    const pending = client.request(EngineRequests.saliency, { model, image, method: 'smoothgrad', options: { samples: 4096, memoryBudgetBytes: 1 } }, { signal: abort.signal, onPreview: () => abort.abort() });
    await expect(pending).rejects.toBeInstanceOf(EngineCancelledError);
    let job: JobHandle | undefined;
    await client.request(EngineRequests.saliency, { model, image, method: 'smoothgrad', options: { samples: 2 } }, { onJob: (j) => (job = j) });
    expect(await client.stop(job!)).toBe(false);
    expect(await tensors()).toBe(baselineTensors);
  }, 60_000);
});

describe('batches and throttle', () => {
  it('a stop ends the batches between two, without an error, after at least one', async () => {
    const stop = new AbortController();
    let calls = 0;
    const run = await runBatches(100, 1, new AbortController().signal, () => {}, 'test', () => ++calls === 3 && stop.abort(), stop.signal);
    expect(run).toEqual({ largestBatch: 1, done: 3, stopped: true });
    const early = new AbortController();
    early.abort();
    expect(await runBatches(100, 1, new AbortController().signal, () => {}, 'test', () => undefined, early.signal)).toMatchObject({ done: 1, stopped: true });
    const cancel = new AbortController();
    cancel.abort();
    await expect(runBatches(10, 1, cancel.signal, () => {}, 'test', () => undefined, early.signal)).rejects.toBeInstanceOf(CancelledError);
  });

  it('the preview gate opens at once, then at most once per interval', () => {
    let now = 1000;
    const due = throttleGate(500, () => now);
    const opened: number[] = [];
    for (; now < 2600; now += 100) if (due()) opened.push(now);
    expect(opened).toEqual([1000, 1500, 2000, 2500]);
  });
});
