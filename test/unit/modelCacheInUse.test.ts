// Issue 7: a SmoothGrad job failed with "LayersVariable … is already disposed" when other models
// were opened, or its model file touched, while it ran. Driven through the engine's handlers in
// this process, so tf.memory() can be checked afterwards.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync, fork } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { EngineNotifications, EngineRequests, type ModelInfoResult, type ProgressParams, type SaliencyParams, type SaliencyResult, type StatusResult } from '../../src/shared/engineProtocol';
import { createHandlers } from '../../src/engine/service/handlers';
import { ModelCache } from '../../src/engine/service/modelCache';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
const image = path.join(root, 'samples/digits/digit-2.png');
let dir: string;
/**
 * A memory budget of one byte: one sample a batch (a method option the engine passes through,
 * though the protocol does not advertise it). Other requests get a turn between samples, and
 * every run adds the samples in the same order, so results are equal to the bit.
 */
const oneSampleABatch = { memoryBudgetBytes: 1 };

/** A copy of the bundled mnist model (model.json, weights, sidecar) in its own folder. */
function copyMnist(name: string): string {
  const from = path.join(root, 'models/mnist-cnn');
  const to = path.join(dir, name);
  mkdirSync(to);
  for (const f of readdirSync(from)) if (f !== 'README.md') copyFileSync(path.join(from, f), path.join(to, f));
  return path.join(to, 'model.json');
}

beforeAll(async () => {
  await useWasm();
  dir = mkdtempSync(path.join(tmpdir(), 'convscope-inuse-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('finishes a SmoothGrad run whose model is evicted and reloaded meanwhile, with the undisturbed result and no tensors left', async () => {
  const baseline = tf.memory().numTensors;
  // The original is a copy too, so touching it leaves the checkout alone.
  const model = copyMnist('mnist-cnn');
  const others = ['a', 'b', 'c'].map(copyMnist);
  const models = new ModelCache({ capacity: 3 });
  const handlers = createHandlers(models);
  const signal = new AbortController().signal;
  // Enough samples for the run to take a second or two.
  const params: SaliencyParams = { model, image, method: 'smoothgrad', options: { samples: 600, seed: 7, ...oneSampleABatch } };

  const t0 = Date.now();
  const undisturbed: SaliencyResult = await handlers.saliency(params, { signal, progress: () => undefined });
  const undisturbedMs = Date.now() - t0;
  models.clear();
  expect(tf.memory().numTensors).toBe(baseline);

  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let finished = false;
  const job = handlers.saliency(params, { signal, progress: (p) => p.fraction > 0 && started() }).finally(() => (finished = true));
  await running;
  // The file changes (a re-export): the next request reloads it, and the job's copy is retired…
  const { atime, mtime } = statSync(model);
  utimesSync(model, atime, new Date(mtime.getTime() + 60_000));
  const reloaded = await handlers.modelInfo({ model });
  // …and three other models push everything else out of the cache.
  for (const other of others) expect((await handlers.modelInfo({ model: other })).file).toBe(other);
  expect(finished).toBe(false); // all that happened while the job ran
  expect(models.size).toBe(3);
  expect(reloaded.file).toBe(model);

  const disturbed = await job;
  expect(disturbed.target).toEqual(undisturbed.target);
  expect(Math.max(...undisturbed.map.data)).toBeGreaterThan(0);
  expect(disturbed.map).toEqual(undisturbed.map);
  console.log(`smoothgrad ${params.options?.samples} samples: ${undisturbedMs} ms undisturbed, ${disturbed.elapsedMs} ms disturbed`);

  // The retired models were freed when the job ended: only the three cached ones remain.
  const perModel = await tensorsOfOneModel(others[0]!);
  expect(tf.memory().numTensors).toBe(baseline + 3 * perModel);
  models.clear();
  expect(tf.memory().numTensors).toBe(baseline);
});

it('does the same in the engine child process, over JSON-RPC', async () => {
  execFileSync('node', ['esbuild.mjs'], { cwd: root });
  const child = fork(path.join(root, 'dist/engine.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, CONVSCOPE_BACKEND: 'wasm' } });
  const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const ready = new Promise((resolve) => connection.onNotification(EngineNotifications.ready, resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  connection.onNotification(EngineNotifications.progress, (p: ProgressParams) => {
    if (p.jobId === 'disturbed' && p.fraction > 0) started();
  });
  connection.listen();
  try {
    await ready;
    const status = (): Promise<StatusResult> => connection.sendRequest(EngineRequests.status, {});
    const info = (model: string): Promise<ModelInfoResult> => connection.sendRequest(EngineRequests.modelInfo, { model });
    const baseline = (await status()).tensors;
    const model = copyMnist('engine-mnist');
    const others = ['engine-a', 'engine-b', 'engine-c'].map(copyMnist);
    const params: SaliencyParams = { model, image, method: 'smoothgrad', options: { samples: 600, seed: 3, ...oneSampleABatch } };
    const undisturbed: SaliencyResult = await connection.sendRequest(EngineRequests.saliency, params);
    const perModel = (await status()).tensors - baseline;
    expect(perModel).toBeGreaterThan(0);

    let finished = false;
    const job = (connection.sendRequest(EngineRequests.saliency, { ...params, jobId: 'disturbed' }) as Promise<SaliencyResult>).finally(() => (finished = true));
    await running;
    const { atime, mtime } = statSync(model);
    utimesSync(model, atime, new Date(mtime.getTime() + 60_000));
    // All at once: the engine reads files between batches, and one request at a time would outlast the job.
    await Promise.all([model, ...others].map(info));
    expect(finished).toBe(false);
    const disturbed = await job;
    expect(Math.max(...undisturbed.map.data)).toBeGreaterThan(0);
    expect(disturbed.map).toEqual(undisturbed.map);
    // The job's retired model and the reloaded one are gone; the three cached models remain.
    expect(await status()).toMatchObject({ modelsLoaded: 3, tensors: baseline + 3 * perModel });
  } finally {
    connection.dispose();
    child.kill();
  }
});

/** How many tensors one loaded mnist model holds. */
async function tensorsOfOneModel(file: string): Promise<number> {
  const cache = new ModelCache({ capacity: 1 });
  const before = tf.memory().numTensors;
  const count = await cache.use(file, () => tf.memory().numTensors - before);
  cache.clear();
  expect(count).toBeGreaterThan(0);
  expect(tf.memory().numTensors).toBe(before);
  return count;
}
