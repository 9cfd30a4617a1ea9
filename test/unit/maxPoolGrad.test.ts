import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { relL2 } from './support/reference';
import { seededValues } from './support/tinyModels';
import { useWasm } from './support/backend';

beforeAll(useWasm);

/** The gradient of a max-pool of relu(x): many windows are all zeros (tied), as after a real ReLU. */
async function poolGradient(backend: string, x: Float32Array, shape: [number, number, number, number], size: number, stride: number, pad: 'same' | 'valid'): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const input = tf.tensor4d(x, shape);
    const weights = tf.tensor(seededValues(99, 1e5, 1).slice(0, tf.maxPool(input, size, stride, pad).size));
    return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.reshape(tf.maxPool(tf.relu(t) as tf.Tensor4D, size, stride, pad), [-1]), weights)))(input).dataSync() as Float32Array;
  });
}

it.each([
  [[2, 9, 9, 3], 2, 2, 'valid'],
  [[1, 8, 8, 4], 3, 2, 'same'],
  [[3, 7, 6, 2], 3, 1, 'same'],
  [[1, 10, 10, 1], 2, 2, 'same'],
] as const)('wasm MaxPoolGrad agrees with cpu on tied maxima for %j k=%i s=%i %s', async (shape, size, stride, pad) => {
  const count = (shape as readonly number[]).reduce((a, b) => a * b, 1);
  // Values on a coarse grid (many exact ties), half of them negative (zero after the ReLU).
  const x = seededValues(shape[1] * 7 + size, count, 1).map((v) => Math.round(v * 3) / 3);
  const cpu = await poolGradient('cpu', x, [...shape], size, stride, pad);
  const wasm = await poolGradient('wasm', x, [...shape], size, stride, pad);
  expect(cpu.some((v) => v !== 0)).toBe(true);
  expect(relL2(wasm, cpu)).toBeLessThanOrEqual(1e-5);
});
