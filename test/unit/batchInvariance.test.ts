// DESIGN §6: a batched method gives the same numbers at any batch size, on a fresh engine and
// after a request that grew the wasm heap. The model is 64² with max pooling and a stride-2
// convolution — the shape where integrated gradients once changed with the memory budget by up
// to 99 % (MaxPoolGrad read heap views that the output allocation had detached). The result at
// each batch size is also checked against the cpu backend, which shares none of our kernels.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { batchSizeFor, defaultMemoryBudgetBytes } from '../../src/engine/methods/batching';
import { integratedGradients } from '../../src/engine/methods/integratedGradients';
import { occlusion } from '../../src/engine/methods/occlusion';
import { smoothGrad } from '../../src/engine/methods/smoothGrad';
// SmoothGrad finds the method it smooths in the registry, which the catalog fills.
import '../../src/engine/methods/catalog';
import type { AttributionResult } from '../../src/engine/methods/types';
import { useWasm } from './support/backend';
import { heapBytes } from './support/heapGrowth';
import { relL2 } from './support/reference';
import { saveToTempDir, seedWeights } from './support/tinyModels';

/** Same numbers up to float32 summation order. */
const SAME = 1e-5;
/** wasm against the cpu backend (different kernels, different summation order). */
const CPU_AGREEMENT = 1e-4;
const noop = () => {};
const signal = new AbortController().signal;
const target = { kind: 'class' as const, index: 1 };

let model: LoadedModel;
let x: tf.Tensor4D;

beforeAll(async () => {
  await useWasm();
  const net = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [64, 64, 3], filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv1' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'conv2' }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv3' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      tfl.layers.conv2d({ filters: 24, kernelSize: 3, padding: 'same', activation: 'relu', name: 'conv4' }),
      tfl.layers.globalAveragePooling2d({ name: 'gap' }),
      tfl.layers.dense({ units: 4, name: 'logits' }),
    ],
  });
  seedWeights(net, 64);
  model = await loadModel(await saveToTempDir(net));
  net.dispose();
  // Smooth rings and a bar, like the reference images: many pooling windows tie near black.
  x = tf.tidy(() => {
    const values = new Float32Array(64 * 64 * 3);
    for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) for (let c = 0; c < 3; c++) {
      const r = Math.hypot(i - 30, j - 34) / 6;
      const bar = Math.abs(i - j) < 5 ? 0.6 : 0;
      values[(i * 64 + j) * 3 + c] = Math.max(0, Math.min(1, 0.5 + 0.5 * Math.cos(r + c) - 0.3 + bar));
    }
    return tf.tensor4d(values, [1, 64, 64, 3]);
  });
});

/** The smallest memory budget whose batches hold `size` samples (of `total`). */
function budgetForBatch(size: number, total: number, withGradients = true): number {
  let [lo, hi] = [1, 1 << 30];
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (batchSizeFor(model, total, mid, withGradients) >= size) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

type Run = (memoryBudgetBytes: number) => Promise<AttributionResult>;

interface BatchedMethod {
  name: string;
  total: number;
  withGradients: boolean;
  run: Run;
}

const methods: BatchedMethod[] = [
  { name: 'integrated gradients', total: 24, withGradients: true,
    run: (memoryBudgetBytes) => integratedGradients(model, x, { target, steps: 24, memoryBudgetBytes }, noop, signal) },
  { name: 'SmoothGrad', total: 16, withGradients: true,
    run: (memoryBudgetBytes) => smoothGrad(model, x, { target, samples: 16, seed: 3, memoryBudgetBytes }, noop, signal) },
  { name: 'occlusion', total: 225, withGradients: false,
    run: (memoryBudgetBytes) => occlusion(model, x, { target, window: 8, stride: 4, memoryBudgetBytes }, noop, signal) },
];

/** Runs `m` at batch sizes 1, 2, 3, 7 and the largest the default budget allows. */
async function acrossBatchSizes(m: BatchedMethod): Promise<Map<number, AttributionResult>> {
  const largest = batchSizeFor(model, m.total, defaultMemoryBudgetBytes, m.withGradients);
  const results = new Map<number, AttributionResult>();
  for (const size of [1, 2, 3, 7, largest]) {
    const before = tf.memory().numTensors;
    const r = await m.run(size === largest ? defaultMemoryBudgetBytes : budgetForBatch(size, m.total, m.withGradients));
    expect(tf.memory().numTensors).toBe(before);
    // The batch size asked for is the one used. Batches are also bounded in time (400 ms): the
    // small ones always fit on this model, the largest (at most total − 1: the first batch holds
    // one sample) may be cut down on a loaded machine, but stays well above the others.
    if (size === largest) expect(r.details.batchSize, `${m.name} at the largest batch`).toBeGreaterThan(7);
    else expect(r.details.batchSize, `${m.name} at batch ${size}`).toBe(size);
    results.set(size, r);
  }
  return results;
}

function expectAllSame(m: BatchedMethod, results: Map<number, AttributionResult>, reference: AttributionResult, tolerance: number): void {
  for (const [size, r] of results) {
    expect(relL2(r.attribution.data, reference.attribution.data), `${m.name}: batch ${size}`).toBeLessThanOrEqual(tolerance);
  }
}

describe('batched methods on a 64² max-pooling model give the same result at any batch size', () => {
  const first = new Map<string, AttributionResult>();

  it.each(methods.map((m) => [m.name, m] as const))('%s, fresh engine', async (_, m) => {
    const results = await acrossBatchSizes(m);
    const one = results.get(1)!;
    expect(one.attribution.data.some((v) => v !== 0)).toBe(true);
    expectAllSame(m, results, one, SAME);
    first.set(m.name, one);
  });

  it.each(methods.map((m) => [m.name, m] as const))('%s, after a request that grew the heap', async (_, m) => {
    const heap = heapBytes();
    // A request larger than the whole heap: the heap grows, then most of it is free again.
    tf.tidy(() => tf.sum(tf.ones([Math.ceil(heap / 4) + 1024])).dataSync());
    expect(heapBytes()).toBeGreaterThan(heap);
    const results = await acrossBatchSizes(m);
    expectAllSame(m, results, first.get(m.name) ?? results.get(1)!, SAME);
  });

  it.each(methods.map((m) => [m.name, m] as const))('%s agrees with the cpu backend', async (_, m) => {
    const wasm = first.get(m.name) ?? (await m.run(defaultMemoryBudgetBytes));
    await tf.setBackend('cpu');
    try {
      const cpu = await m.run(defaultMemoryBudgetBytes);
      expect(relL2(wasm.attribution.data, cpu.attribution.data)).toBeLessThanOrEqual(CPU_AGREEMENT);
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
