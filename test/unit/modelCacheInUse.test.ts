// Issue 7: a SmoothGrad job failed with "LayersVariable … is already disposed" when other models
// were opened, or its model file touched, while it ran. Driven through the engine's handlers in
// this process, so tf.memory() can be checked afterwards.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import type { SaliencyParams, SaliencyResult } from '../../src/shared/engineProtocol';
import { createHandlers } from '../../src/engine/service/handlers';
import { ModelCache } from '../../src/engine/service/modelCache';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
const image = path.join(root, 'samples/digits/digit-2.png');
let dir: string;

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
  // Enough samples for the run to take a couple of seconds, over many batches.
  const params: SaliencyParams = { model, image, method: 'smoothgrad', options: { samples: 1500, seed: 7 } };

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
  expect(disturbed.map.shape).toEqual(undisturbed.map.shape);
  // Batch sizes follow timing, so sums may be grouped differently: equal up to rounding.
  const scale = Math.max(...undisturbed.map.data.map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  const worst = Math.max(...disturbed.map.data.map((v, i) => Math.abs(v - undisturbed.map.data[i]!)));
  expect(worst / scale).toBeLessThan(1e-5);
  console.log(`smoothgrad 1500 samples: ${undisturbedMs} ms undisturbed, ${disturbed.elapsedMs} ms disturbed; worst relative difference ${(worst / scale).toExponential(2)}`);

  // The retired models were freed when the job ended: only the three cached ones remain.
  const perModel = await tensorsOfOneModel(others[0]!);
  expect(tf.memory().numTensors).toBe(baseline + 3 * perModel);
  models.clear();
  expect(tf.memory().numTensors).toBe(baseline);
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
