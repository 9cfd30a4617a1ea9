// The cpu backend's ResizeNearestNeighborGrad (tfjs-backend-cpu 4.22) reads the gradient of every
// image after the first from the wrong offset; the engine registers a per-image wrapper. The
// gradient of a ×2 nearest upsampling is the sum of each 2×2 block of dy, by hand, on both backends.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { useWasm } from './support/backend';

beforeAll(useWasm);

function upsamplingGradient(): number[] {
  return tf.tidy(() => {
    const x = tf.zeros([3, 2, 3, 2]) as tf.Tensor4D;
    const dy = tf.tensor4d(Array.from({ length: 3 * 4 * 6 * 2 }, (_, i) => (i * 7) % 11), [3, 4, 6, 2]);
    return Array.from(tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(t as tf.Tensor4D, [4, 6]), dy)))(x).dataSync());
  });
}

function byHand(): number[] {
  const out: number[] = [];
  for (let n = 0; n < 3; n++)
    for (let r = 0; r < 2; r++)
      for (let c = 0; c < 3; c++)
        for (let ch = 0; ch < 2; ch++) {
          let sum = 0;
          for (const [a, b] of [[0, 0], [0, 1], [1, 0], [1, 1]]) sum += ((((n * 4 + 2 * r + a!) * 6 + 2 * c + b!) * 2 + ch) * 7) % 11;
          out.push(sum);
        }
  return out;
}

describe('ResizeNearestNeighborGrad', () => {
  it('sums each block of the incoming gradient, for every image of a batch, on wasm and on cpu', async () => {
    expect(upsamplingGradient()).toEqual(byHand());
    await tf.setBackend('cpu');
    try {
      expect(upsamplingGradient()).toEqual(byHand());
    } finally {
      await tf.setBackend('wasm');
    }
  });
});
