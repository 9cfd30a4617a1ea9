// Batch invariance on a real network: the bundled InceptionV3 (299², batch norm, max and average
// pooling, stride-2 convolutions), at reduced sizes to stay fast enough for CI. On this network
// the methods keep batches short in time (one gradient is about a second), so the batched
// primitives they stand on are checked directly: gradients of integrated-gradients path points
// (and SmoothGrad's noisy copies) in one batch of 2 against one at a time, and occlusion-style
// forward passes in batches of 2, 3 and 7 against one at a time — on a fresh engine and after the
// heap has grown.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadInputImage } from '../../src/engine/image/loadInputImage';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { inputGradient } from '../../src/engine/methods/inputGradient';
import { objective, resolveTarget } from '../../src/engine/methods/target';
import type { Target } from '../../src/engine/methods/types';
import { useWasm } from './support/backend';
import { heapBytes } from './support/heapGrowth';
import { relL2 } from './support/reference';

const root = path.resolve(__dirname, '../..');
const modelFile = path.join(root, 'models/inceptionv3/model.json');
const SAME = 1e-5;

let model: LoadedModel;
let x: tf.Tensor4D;
let target: Target;

beforeAll(async () => {
  // `npm test` prepares the model first (npm run models); a bare vitest run may not have it.
  if (!existsSync(modelFile)) throw new Error(`${modelFile} is missing: run \`npm run models\` first`);
  await useWasm();
  model = await loadModel(modelFile);
  x = loadInputImage(model, path.join(root, 'samples/photos/chelsea.png')).input;
  target = resolveTarget(model, x);
});

/** Rows of a batch as separate arrays. */
function rows(t: tf.Tensor): Float32Array[] {
  const data = t.dataSync() as Float32Array;
  const size = data.length / t.shape[0]!;
  return Array.from({ length: t.shape[0]! }, (_, i) => data.slice(i * size, (i + 1) * size));
}

/** Integrated-gradients path points and a SmoothGrad-like noisy copy of the input. */
function batchOfInputs(): tf.Tensor4D {
  return tf.tidy(() => tf.concat([tf.mul(x, 0.6), tf.add(x, tf.randomNormal(x.shape, 0, 0.1, 'float32', 7))]) as tf.Tensor4D);
}

function gradientsAtOnceAndAlone(): { together: Float32Array[]; alone: Float32Array[] } {
  const inputs = batchOfInputs();
  try {
    const together = tf.tidy(() => rows(inputGradient(model, inputs, target)));
    const alone = [0, 1].map((i) => tf.tidy(() => rows(inputGradient(model, tf.slice(inputs, [i], [1]) as tf.Tensor4D, target))[0]!));
    return { together, alone };
  } finally {
    inputs.dispose();
  }
}

function forwardInBatches(batch: number, count: number): Float32Array {
  // Occlusion-style inputs: the image with one 60-pixel square blacked out per sample.
  const out: number[] = [];
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    out.push(...tf.tidy(() => {
      const masks = Array.from({ length: n }, (_, k) => {
        const i = start + k;
        const top = 30 * (i % 8);
        const left = 30 * Math.floor(i / 8);
        return tf.pad(tf.ones([60, 60, 1]), [[top, 299 - 60 - top], [left, 299 - 60 - left], [0, 0]]);
      });
      const occluded = tf.mul(x, tf.sub(1, tf.stack(masks))) as tf.Tensor4D;
      return Array.from(objective(model, occluded, target).dataSync());
    }));
  }
  return Float32Array.from(out);
}

function expectInvariance(withForward: boolean): void {
  const before = tf.memory().numTensors;
  const { together, alone } = gradientsAtOnceAndAlone();
  together.forEach((g, i) => expect(relL2(g, alone[i]!), `gradient ${i} in a batch of 2`).toBeLessThanOrEqual(SAME));
  expect(together[0]!.some((v) => v !== 0)).toBe(true);
  const one = withForward ? forwardInBatches(1, 7) : new Float32Array();
  for (const batch of withForward ? [2, 3, 7] : []) expect(relL2(forwardInBatches(batch, 7), one), `forward in batches of ${batch}`).toBeLessThanOrEqual(SAME);
  expect(tf.memory().numTensors).toBe(before);
}

it('InceptionV3: batched gradients and forward passes equal one-at-a-time ones, fresh engine', () => {
  expectInvariance(true);
});

it('InceptionV3: batched gradients, after a request that grew the heap', () => {
  const heap = heapBytes();
  tf.tidy(() => tf.sum(tf.ones([Math.ceil(heap / 4) + 1024])).dataSync());
  expect(heapBytes()).toBeGreaterThan(heap);
  // Forward passes use none of our kernels; the gradients are what heap growth could break.
  expectInvariance(false);
});
