// Instance normalization: per image and channel mean 0 and variance 1 before the affine, the
// affine by hand, a batch equal to its images one by one, the fast variance formula against
// tf.moments on inputs of large mean, and a saved model that loads back with the same outputs.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { InstanceNormalization } from '../../src/engine/model/instanceNormalization';
import { saveToTempDir, seededValues } from './support/tinyModels';
import { readModelArtifacts } from '../../src/engine/model/readArtifacts';
import { openModelSource } from '../../src/engine/model/modelSource';
import { useWasm } from './support/backend';

beforeAll(useWasm);

function normModel(channels: number, gamma?: number[], beta?: number[]): tfl.LayersModel {
  const input = tfl.input({ shape: [null, null, channels] });
  const layer = new InstanceNormalization({ name: 'norm' });
  const model = tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
  if (gamma && beta) layer.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta)]);
  return model;
}

/** Per image n and channel c: [mean, variance] over the positions. */
function statistics(t: tf.Tensor4D): number[][][] {
  const [n, h, w, c] = t.shape;
  const data = t.dataSync();
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: c }, (_, ch) => {
      const values = Array.from({ length: h * w }, (_, p) => data[(i * h * w + p) * c + ch]!);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return [mean, values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length];
    }),
  );
}

describe('InstanceNormalization', () => {
  it('gives every channel of every image mean 0 and variance 1 (γ = 1, β = 0), whatever their scale', () => {
    const model = normModel(4);
    // Two images with very different offsets and scales per channel.
    const x = tf.tidy(() => tf.add(tf.mul(tf.tensor4d(seededValues(1, 2 * 9 * 7 * 4), [2, 9, 7, 4]), tf.tensor1d([1, 10, 0.1, 3])), tf.tensor1d([0, -5, 2, 40])));
    const y = model.predict(x) as tf.Tensor4D;
    for (const image of statistics(y)) {
      for (const [mean, variance] of image) {
        expect(Math.abs(mean!)).toBeLessThan(1e-4);
        // ε = 1e-5 shrinks the variance by var/(var + ε); the smallest channel variance here is ~3e-3.
        expect(Math.abs(variance! - 1)).toBeLessThan(5e-3);
      }
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  it('applies γ_c · x̂ + β_c per channel, by hand', () => {
    const model = normModel(2, [2, -0.5], [1, 3]);
    const x = tf.tensor4d([1, 10, 2, 20, 3, 30, 6, 0], [1, 2, 2, 2]);
    const y = Array.from((model.predict(x) as tf.Tensor).dataSync());
    // Channel 0: 1, 2, 3, 6 → mean 3, var 3.5; channel 1: 10, 20, 30, 0 → mean 15, var 125.
    const byHand = [1, 2, 3, 6].flatMap((a, i) => [2 * ((a - 3) / Math.sqrt(3.5 + 1e-5)) + 1, -0.5 * (([10, 20, 30, 0][i]! - 15) / Math.sqrt(125 + 1e-5)) + 3]);
    y.forEach((v, i) => expect(v).toBeCloseTo(byHand[i]!, 5));
    x.dispose();
    model.dispose();
  });

  it('normalizes each image on its own: a batch equals its images one by one (≤ 1e-6)', () => {
    const model = normModel(3, [1.5, 0.5, -1], [0.1, 0.2, 0.3]);
    const x = tf.tensor4d(seededValues(2, 3 * 8 * 8 * 3), [3, 8, 8, 3]);
    const batched = (model.predict(x) as tf.Tensor).dataSync();
    for (let i = 0; i < 3; i++) {
      const one = tf.tidy(() => (model.predict(tf.slice(x, [i, 0, 0, 0], [1, 8, 8, 3])) as tf.Tensor).dataSync());
      one.forEach((v, j) => expect(Math.abs(v - batched[i * 192 + j]!)).toBeLessThan(1e-6));
    }
    x.dispose();
    model.dispose();
  });

  it('its variance E[x²] − E[x]² agrees with tf.moments on conv-like inputs with an offset (≤ 1e-4 relative)', () => {
    const x = tf.tidy(() => tf.add(tf.mul(tf.tensor4d(seededValues(3, 64 * 64 * 8), [1, 64, 64, 8]), 2), 5));
    const model = normModel(8);
    const ours = (model.predict(x) as tf.Tensor).dataSync();
    const reference = tf.tidy(() => {
      const { mean, variance } = tf.moments(x, [1, 2], true);
      return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))).dataSync();
    });
    let err = 0;
    let norm = 0;
    ours.forEach((v, i) => {
      err += (v - reference[i]!) ** 2;
      norm += reference[i]! ** 2;
    });
    expect(Math.sqrt(err / norm)).toBeLessThan(1e-4);
    x.dispose();
    model.dispose();
  });

  it('is saved as the registered class and loads back (strict) with the same outputs at any size', async () => {
    const model = normModel(2, [3, 0.25], [-1, 2]);
    const file = await saveToTempDir(model);
    const { artifacts } = readModelArtifacts(openModelSource(file));
    expect(JSON.stringify(artifacts.modelTopology)).toContain('"class_name":"InstanceNormalization"');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
    for (const [h, w] of [[4, 4], [5, 11]] as const) {
      const x = tf.tensor4d(seededValues(h * w, h * w * 2), [1, h, w, 2]);
      const a = (model.predict(x) as tf.Tensor).dataSync();
      const b = (loaded.predict(x) as tf.Tensor).dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
      tf.dispose(x);
    }
    loaded.dispose();
    model.dispose();
  });
});
