import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { vanillaGradient } from '../../src/engine/methods/vanillaGradient';
import { smoothGrad } from '../../src/engine/methods/smoothGrad';
// SmoothGrad finds the method it smooths in the registry, which the catalog fills.
import '../../src/engine/methods/catalog';
import { integratedGradients } from '../../src/engine/methods/integratedGradients';
import { occlusion, planOcclusion, windowStarts } from '../../src/engine/methods/occlusion';
import { quadrature } from '../../src/engine/methods/quadrature';
import { maxSampleCount as maxIntegrationSteps } from '../../src/engine/methods/descriptor';
import { CancelledError, type Progress } from '../../src/engine/methods/types';
import { readReference, referenceFile, relL2 } from './support/reference';
import { saveToTempDir, smallReluCnn } from './support/tinyModels';
import { useWasm } from './support/backend';

const noop = () => {};
const signal = new AbortController().signal;
const target = { kind: 'class' as const, index: 1 };

let model: LoadedModel;
let x: tf.Tensor4D;
beforeAll(async () => {
  await useWasm();
  ({ model, input: x } = await smallReluCnn());
});

async function withoutLeaks<R>(run: () => Promise<R>): Promise<R> {
  const before = tf.memory().numTensors;
  const r = await run();
  expect(tf.memory().numTensors).toBe(before);
  return r;
}

describe('SmoothGrad', () => {
  it('with zero noise equals the plain gradient', async () => {
    const plain = await vanillaGradient(model, x, { target }, noop, signal);
    const smooth = await withoutLeaks(() => smoothGrad(model, x, { target, sigma: 0, samples: 4 }, noop, signal));
    expect(relL2(smooth.attribution.data, plain.attribution.data)).toBeLessThan(1e-6);
  });

  it('is reproducible for a seed, differs across seeds, and does not depend on the batch size', async () => {
    const a = await smoothGrad(model, x, { target, samples: 6, seed: 1 }, noop, signal);
    const b = await smoothGrad(model, x, { target, samples: 6, seed: 1, memoryBudgetBytes: 1 }, noop, signal);
    const c = await smoothGrad(model, x, { target, samples: 6, seed: 2 }, noop, signal);
    expect(b.details.batchSize).toBe(1);
    expect(relL2(b.attribution.data, a.attribution.data)).toBeLessThan(1e-5);
    expect(relL2(c.attribution.data, a.attribution.data)).toBeGreaterThan(1e-3);
  });

  it('equals the mean of gradients at the noisy inputs computed one by one', async () => {
    const { gaussianNoise } = await import('../../src/engine/methods/seededNoise');
    const samples = 3;
    const sigma = 0.2;
    const noise = gaussianNoise(9);
    const stdev = sigma * (tf.max(x).dataSync()[0]! - tf.min(x).dataSync()[0]!);
    const sum = new Float64Array(x.size);
    for (let s = 0; s < samples; s++) {
      const noisy = tf.add(x, tf.tensor(noise(x.size, stdev), x.shape)) as tf.Tensor4D;
      const g = await vanillaGradient(model, noisy, { target }, noop, signal);
      g.attribution.data.forEach((v, i) => (sum[i]! += v / samples));
      noisy.dispose();
    }
    const smooth = await smoothGrad(model, x, { target, samples, sigma, seed: 9 }, noop, signal);
    expect(relL2(smooth.attribution.data, sum)).toBeLessThan(1e-5);
  });
});

describe('integrated gradients', () => {
  it('Gauss–Legendre points and weights equal Captum\'s (stored in the reference)', () => {
    const ref = readReference('model_a', 'radial_bar', 'integrated_gradients.json').targets['2'];
    for (const rule of ['gausslegendre', 'riemann_trapezoid'] as const) {
      const q = quadrature(rule, 50);
      expect(relL2(q.alphas, ref[rule].alphas)).toBeLessThan(1e-7);
      expect(relL2(q.weights, ref[rule].step_weights)).toBeLessThan(1e-7);
    }
  });

  it('Gauss–Legendre at the step bound: fast, exact for polynomials of degree < 2n, nodes ascending in (0, 1)', () => {
    const t0 = performance.now();
    const q = quadrature('gausslegendre', maxIntegrationSteps);
    const ms = performance.now() - t0;
    console.log(`Gauss–Legendre nodes and weights for ${maxIntegrationSteps} steps: ${ms.toFixed(1)} ms`);
    // The old Newton loop took minutes at 1e5 steps; this must stay far below a cancel's budget.
    expect(ms).toBeLessThan(500);
    expect(q.alphas.every((a, i) => a > 0 && a < 1 && (i === 0 || a > q.alphas[i - 1]!))).toBe(true);
    const integrate = (f: (a: number) => number) => q.alphas.reduce((s, a, i) => s + q.weights[i]! * f(a), 0);
    expect(integrate(() => 1)).toBeCloseTo(1, 12);
    expect(integrate((a) => a ** 9)).toBeCloseTo(0.1, 12);
    expect(integrate((a) => Math.cos(40 * a))).toBeCloseTo(Math.sin(40) / 40, 12);
    for (const n of [1, 2, 3, 7]) expect(quadrature('gausslegendre', n).weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 14);
    expect(quadrature('gausslegendre', 1).alphas).toEqual([0.5]);
  });

  it('is complete: attributions add up to f(x) − f(baseline), and batching does not change them', async () => {
    const ig = await withoutLeaks(() => integratedGradients(model, x, { target, steps: 64 }, noop, signal));
    const gap = (ig.details.fX as number) - (ig.details.fBaseline as number);
    expect(Math.abs(ig.details.convergenceDelta as number)).toBeLessThan(0.02 * Math.abs(gap) + 1e-4);
    const small = await integratedGradients(model, x, { target, steps: 64, memoryBudgetBytes: 1 }, noop, signal);
    expect(relL2(small.attribution.data, ig.attribution.data)).toBeLessThan(1e-5);
  });
});

describe('occlusion', () => {
  it('places windows like Captum and covers the far edge when the stride does not tile', () => {
    expect(windowStarts(32, 8, 4)).toEqual([0, 4, 8, 12, 16, 20, 24]);
    expect(windowStarts(12, 5, 4)).toEqual([0, 4, 7]);
    const plan = planOcclusion(model, { window: 5, stride: 4 });
    expect(plan.windows).toBe(9);
    expect(plan.forwardPasses).toBe(10);
  });

  it('on a model that averages its input, every pixel gets the window\'s share of the mean', async () => {
    // logits = mean over H, W of the channel sum: a window of w×w pixels of a constant image v
    // drops the score by w²·C·v / (H·W) whatever its position.
    const net = tfl.sequential({ layers: [tfl.layers.globalAveragePooling2d({ inputShape: [12, 12, 3], name: 'gap' }), tfl.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones', name: 'sum' })] });
    const linear = await loadModel(await saveToTempDir(net));
    net.dispose();
    const constant = tf.fill([1, 12, 12, 3], 0.5) as tf.Tensor4D;
    const r = await withoutLeaks(() => occlusion(linear, constant, { window: 4, stride: 2, target: { kind: 'class', index: 0 } }, noop, signal));
    const expected = (3 * 16 * 0.5) / 144;
    for (const v of r.attribution.data) expect(v).toBeCloseTo(expected, 6);
    expect(r.details.forwardPasses).toBe(26);
    constant.dispose();
    linear.dispose();
  });

  it('gives the same result in batches of one, reports progress, and reports its forward passes', async () => {
    const seen: Progress[] = [];
    const big = await occlusion(model, x, { target, window: 4, stride: 2 }, (p) => seen.push(p), signal);
    const one = await occlusion(model, x, { target, window: 4, stride: 2, memoryBudgetBytes: 1 }, noop, signal);
    expect(one.details.batchSize).toBe(1);
    expect(relL2(one.attribution.data, big.attribution.data)).toBeLessThan(1e-5);
    expect(big.details.forwardPasses).toBe(big.details.forwardPassesPlanned);
    expect(seen.at(-1)!.fraction).toBe(1);
  });

  it('stops when cancelled and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const aborted = new AbortController();
    aborted.abort();
    await expect(occlusion(model, x, { target, window: 2, stride: 1 }, noop, aborted.signal)).rejects.toBeInstanceOf(CancelledError);
    await expect(integratedGradients(model, x, { target }, noop, aborted.signal)).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

it('reference data is where the tests expect it', () => {
  expect(referenceFile('README.md')).toMatch(/reference/);
});
