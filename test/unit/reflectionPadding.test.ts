// Reflection padding: the values of PyTorch's ReflectionPad2d (by hand), and a gradient that is the
// exact adjoint of the padding (each input pixel gets back what every copy of it received), which
// TF.js's own MirrorPad gradient is not.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { reflectionPad } from '../../src/engine/model/reflectionPadding';
import { seededValues } from './support/tinyModels';
import { useWasm } from './support/backend';

beforeAll(useWasm);

/** Index of the source row/column of padded position i: 2 1 | 0 1 2 3 | 2 1. */
const source = (i: number, length: number, pad: number) => {
  const j = i - pad;
  return j < 0 ? -j : j >= length ? 2 * (length - 1) - j : j;
};

describe('reflectionPad', () => {
  it('reflects rows and columns without repeating the edge', () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const y = reflectionPad(x, 1);
    expect(y.shape).toEqual([1, 4, 5, 1]);
    expect(Array.from(y.dataSync())).toEqual([5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 2, 1, 2, 3, 2]);
    tf.dispose([x, y]);
  });

  it('back-propagates the exact adjoint: every copy of a pixel passes its gradient back (pads 1 to 4)', () => {
    const [n, h, w, c] = [2, 7, 9, 3];
    const x = tf.tensor4d(seededValues(1, n * h * w * c), [n, h, w, c]);
    for (const pad of [1, 2, 4]) {
      const [ph, pw] = [h + 2 * pad, w + 2 * pad];
      const dyValues = seededValues(pad + 10, n * ph * pw * c);
      const dy = tf.tensor4d(dyValues, [n, ph, pw, c]);
      const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reflectionPad(t as tf.Tensor4D, pad), dy)))(x);
      const byHand = new Float64Array(n * h * w * c);
      for (let b = 0; b < n; b++)
        for (let i = 0; i < ph; i++)
          for (let j = 0; j < pw; j++)
            for (let k = 0; k < c; k++) byHand[((b * h + source(i, h, pad)) * w + source(j, w, pad)) * c + k]! += dyValues[((b * ph + i) * pw + j) * c + k]!;
      Array.from(grad.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(byHand[i]!, 4));
      // TF.js's own gradient keeps only the centre: it differs wherever a pixel was mirrored.
      const stock = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.mirrorPad(t as tf.Tensor4D, [[0, 0], [pad, pad], [pad, pad], [0, 0]], 'reflect'), dy)))(x);
      const stockError = Array.from(stock.dataSync()).reduce((m, v, i) => Math.max(m, Math.abs(v - byHand[i]!)), 0);
      expect(stockError).toBeGreaterThan(0.1);
      tf.dispose([dy, grad, stock]);
    }
    x.dispose();
  });
});
