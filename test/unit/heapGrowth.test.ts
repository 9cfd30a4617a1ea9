// Every wasm kernel of ours gives the cpu backend's numbers when the wasm heap grows in the middle
// of the kernel: before its first allocation (between the inputs and the output) and before its
// last. Realistic sizes and a warm engine: heapGrowthLarge.test.ts (a separate worker, because
// every forced growth makes the heap 1.2× larger and tfjs-wasm breaks past 2 GiB).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { kernelCases } from '../../src/engine/kernels/kernelCases';
import { KernelScope } from '../../src/engine/kernels/kernelScope';
import { ourKernelNames } from '../../src/engine/kernels/registerWasmKernels';
import { useWasm } from './support/backend';
import { expectAgreementUnderGrowth, label } from './support/heapGrowth';

beforeAll(useWasm);

describe('custom wasm kernels with the heap growing mid-kernel', () => {
  it('covers every kernel we register', () => {
    const covered = new Set(kernelCases().map((c) => c.kernel));
    expect(ourKernelNames().filter((n) => !covered.has(n))).toEqual([]);
  });

  it.each(kernelCases(1).map((c) => [label(c), c] as const))('%s', (_, c) => expectAgreementUnderGrowth(c, ['first', 'last']));
});

describe('KernelScope lends heap views only after allocating', () => {
  it('refuses to allocate while views are lent', () => {
    const backend = tf.findBackend('wasm') as unknown as ConstructorParameters<typeof KernelScope>[0];
    const scope = new KernelScope(backend);
    const x = scope.constant([4], 'float32', new Float32Array([1, 2, 3, 4]));
    try {
      expect(() => scope.compute([4], 'float32', [x], () => { scope.constant([1], 'float32', new Float32Array(1)); }))
        .toThrow(/allocated a constant while holding heap views/);
      expect(() => scope.compute([4], 'float32', [x], () => { scope.reshape(x, [2, 2]); })).toThrow(/while holding heap views/);
      const doubled = scope.compute([4], 'float32', [x], (out, [src]) => src!.forEach((v, i) => { out[i] = 2 * v; }));
      expect(Array.from(scope.read(doubled) as Float32Array)).toEqual([2, 4, 6, 8]);
    } finally {
      scope.disposeAll();
    }
  });
});
