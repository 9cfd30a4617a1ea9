import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { relL2 } from './support/reference';
import { seededValues } from './support/tinyModels';
import { useWasm } from './support/backend';

beforeAll(useWasm);

async function product(backend: string, aShape: number[], bShape: number[], ta: boolean, tb: boolean): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const a = tf.tensor(seededValues(1, tf.util.sizeFromShape(aShape)), aShape) as unknown as tf.Tensor3D;
    const b = tf.tensor(seededValues(2, tf.util.sizeFromShape(bShape)), bShape) as unknown as tf.Tensor3D;
    return tf.matMul(a, b, ta, tb).dataSync() as Float32Array;
  });
}

it.each([
  [[1, 7], [5, 7], false, true],
  [[300, 7], [5, 7], false, true],
  [[7, 1], [7, 5], true, false],
  [[7, 300], [7, 5], true, false],
  [[4, 6], [3, 4], true, true],
  [[2, 4, 6], [2, 5, 6], false, true],
  [[3, 6, 4], [3, 6, 5], true, false],
  [[2, 6, 4], [2, 5, 6], true, true],
] as const)('wasm matMul %j × %j (transposeA %s, transposeB %s) agrees with cpu and leaks nothing', async (aShape, bShape, ta, tb) => {
  const cpu = await product('cpu', [...aShape], [...bShape], ta, tb);
  await tf.setBackend('wasm');
  const ids = tf.backend().numDataIds();
  const wasm = await product('wasm', [...aShape], [...bShape], ta, tb);
  expect(relL2(wasm, cpu)).toBeLessThanOrEqual(1e-5);
  expect(tf.backend().numDataIds()).toBe(ids);
});

it('the gradient of a Dense layer on wasm equals the cpu one', async () => {
  const grad = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => {
      const w = tf.tensor2d(seededValues(3, 64 * 32), [64, 32]);
      const x = tf.tensor2d(seededValues(4, 64), [1, 64]);
      const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(tf.matMul(xi as tf.Tensor2D, wi as tf.Tensor2D))))([x, w]);
      return [...dx!.dataSync(), ...dw!.dataSync()];
    });
  };
  expect(relL2(await grad('wasm'), await grad('cpu'))).toBeLessThanOrEqual(1e-5);
});
