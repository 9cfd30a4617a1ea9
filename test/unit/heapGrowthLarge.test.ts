// The heap-growth property at realistic sizes: every kernel with the heap grown mid-kernel at 6×
// the self-check's sizes, a max-pool gradient larger than the whole heap (growth without help),
// and all kernels on a warm engine whose heap a large gradient has grown.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { kernelCases, relativeError, runKernelCase, type KernelCase } from '../../src/engine/kernels/kernelCases';
import { useWasm } from './support/backend';
import { expectAgreementUnderGrowth, growingAt, heapBytes, label } from './support/heapGrowth';

const TOLERANCE = 1e-5;

beforeAll(useWasm);

describe('custom wasm kernels at realistic sizes', () => {
  it('a max-pool gradient larger than the heap (natural growth at the output allocation)', () => {
    // Inputs as big as the heap: allocating them leaves it full, so the output must grow it.
    const side = Math.ceil(Math.sqrt(heapBytes() / 4 / 8));
    const c: KernelCase = { kernel: tf.MaxPoolGrad, attrs: { filterSize: 2, strides: 2, pad: 'valid' },
      inputs: { input: { shape: [1, side * 2, side * 2, 2], coarse: true }, dy: { shape: [1, side, side, 2] }, output: { shape: [1, side, side, 2] } } };
    const run = growingAt(undefined, () => runKernelCase('wasm', c));
    expect(run.grew).toBe(true);
    expect(relativeError(run.result, runKernelCase('cpu', c))).toBeLessThanOrEqual(TOLERANCE);
  });

  it('on a warm engine after a large request', () => {
    // A large gradient grows the heap and leaves freed blocks behind for the kernels to reuse.
    const before = heapBytes();
    tf.tidy(() => {
      // Sized from the heap, so that this request must grow it whatever ran before.
      const batch = Math.ceil(before / (128 * 128 * 16 * 4)) + 1;
      const x = tf.randomUniform([batch, 128, 128, 16], -1, 1, 'float32', 3) as tf.Tensor4D;
      const w = tf.randomUniform([3, 3, 16, 32], -1, 1, 'float32', 4) as tf.Tensor4D;
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.maxPool(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')), 2, 2, 'same').sum())([x, w])
        .forEach((g) => g.dataSync());
    });
    expect(heapBytes()).toBeGreaterThan(before);
    for (const c of [...kernelCases(1), ...kernelCases(6)]) {
      expect(relativeError(runKernelCase('wasm', c), runKernelCase('cpu', c)), label(c)).toBeLessThanOrEqual(TOLERANCE);
    }
  });
  it.each(kernelCases(6).map((c) => [label(c), c] as const))('%s', (_, c) => expectAgreementUnderGrowth(c, ['middle']));

});
