import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { vanillaGradient } from '../../src/engine/methods/vanillaGradient';
import { gradCam } from '../../src/engine/methods/gradCam';
import { objective } from '../../src/engine/methods/target';
import type { Target } from '../../src/engine/methods/types';
import { relL2 } from './support/reference';
import { saveToTempDir, seedWeights, seededValues } from './support/tinyModels';
import { useWasm } from './support/backend';

const noop = () => {};
const signal = new AbortController().signal;
const eps = 1e-2;

/**
 * A small smooth network (tanh, average pooling, a strided 'same' conv, a depthwise conv) so that
 * central finite differences in float32 are accurate to ~1e-4; max-pool is piecewise linear and
 * exact for differences that cross no tie.
 */
async function tinyModel(): Promise<LoadedModel> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [12, 12, 3], filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', name: 'c1' }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'tanh', name: 'dw' }),
      tfl.layers.averagePooling2d({ poolSize: 2, name: 'avg' }),
      tfl.layers.conv2d({ filters: 5, kernelSize: 2, padding: 'valid', activation: 'tanh', name: 'c2' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'max' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ units: 4, name: 'logits' }),
    ],
  });
  seedWeights(model, 7);
  const file = await saveToTempDir(model);
  model.dispose();
  return loadModel(file);
}

/** f(x + eps·e_i) − f(x − eps·e_i) / 2eps for chosen coordinates, computed in forward passes only. */
function finiteDifferences(f: (x: tf.Tensor4D) => number, x: tf.Tensor4D, coords: number[]): number[] {
  const base = x.dataSync();
  return coords.map((i) => {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i]! += eps;
    minus[i]! -= eps;
    const fp = tf.tidy(() => f(tf.tensor4d(plus, x.shape as [number, number, number, number])));
    const fm = tf.tidy(() => f(tf.tensor4d(minus, x.shape as [number, number, number, number])));
    return (fp - fm) / (2 * eps);
  });
}

describe('gradients agree with finite differences on a small model', () => {
  let model: LoadedModel;
  let x: tf.Tensor4D;
  const coords = Array.from({ length: 40 }, (_, k) => (k * 37) % (12 * 12 * 3));
  beforeAll(async () => {
    await useWasm();
    model = await tinyModel();
    x = tf.tensor4d(seededValues(3, 12 * 12 * 3, 1).map((v) => (v + 1) / 2), [1, 12, 12, 3]);
  });

  it.each<Target>([
    { kind: 'class', index: 0 },
    { kind: 'class', index: 3 },
    { kind: 'neuron', layer: 'dw', channel: 5 },
  ])('input gradient for %o', async (target) => {
    const r = await vanillaGradient(model, x, { target: target.kind === 'class' ? target : target }, noop, signal);
    const fd = finiteDifferences((xi) => objective(model, xi, target).dataSync()[0]!, x, coords);
    const analytic = coords.map((i) => r.attribution.data[i]!);
    expect(relL2(analytic, fd)).toBeLessThan(1e-2);
    expect(Math.max(...fd.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it('Grad-CAM channel weights are the mean of ∂target/∂A, checked by perturbing A', async () => {
    const target: Target = { kind: 'class', index: 2 };
    const cam = await gradCam(model, x, { target: { kind: 'class', index: 2 }, layer: 'c2' }, noop, signal);
    const A = tf.tidy(() => model.forward(x, { capture: ['c2'] }).captured.get('c2')!) as tf.Tensor4D;
    const [, h, w, c] = A.shape;
    const fAt = (a: tf.Tensor4D) => objective(model, x, target, { replace: { layer: 'c2', value: a } }).dataSync()[0]!;
    const weights = Array.from({ length: c }, (_, k) => {
      // ∂f/∂A summed over positions of channel k = derivative along the all-positions direction.
      const dir = tf.tidy(() => tf.oneHot(tf.fill([h * w], k, 'int32'), c).reshape([1, h, w, c]));
      const plus = tf.tidy(() => fAt(tf.add(A, tf.mul(dir, eps)) as tf.Tensor4D));
      const minus = tf.tidy(() => fAt(tf.sub(A, tf.mul(dir, eps)) as tf.Tensor4D));
      dir.dispose();
      return (plus - minus) / (2 * eps) / (h * w);
    });
    expect(relL2(cam.extra!.channelWeights!.data, weights)).toBeLessThan(1e-2);
    A.dispose();
  });
});
