// The gradient kernels added to the wasm backend agree with the cpu backend (the reference), both
// called directly and as tf.grad uses them, and leave no tensors or data buffers behind.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { registerWasmGradientKernels, useStockConv2DBackpropInput } from '../../src/engine/kernels/registerWasmKernels';

type Backend = 'wasm' | 'cpu';
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
interface Result { shape: number[]; values: Float32Array }

const TOLERANCE = 1e-5;

/** Deterministic uniform [-1, 1) values (mulberry32), so failures reproduce. */
function random(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  });
}

function input(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(random(shape.reduce((p, n) => p * n, 1), seed), shape);
}

/** Runs `f` on one backend; on wasm, also checks that it leaves no tensor or buffer behind. */
async function on(backend: Backend, f: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await tf.setBackend(backend);
  const before = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
  // tf.memory() counts what the engine tracks; intermediates a kernel leaks show up only here.
  const idsBefore = tf.backend().numDataIds();
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  const results = list.map((t) => ({ shape: t.shape, values: Float32Array.from(t.dataSync()) }));
  tf.dispose(list);
  const after = tf.memory() as tf.MemoryInfo & { numDataBuffers: number };
  expect(after.numTensors).toBe(before.numTensors);
  expect(after.numDataBuffers).toBe(before.numDataBuffers);
  expect(tf.backend().numDataIds()).toBe(idsBefore);
  return results;
}

function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
    norm += (b[i] ?? 0) ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
}

/** Computes `f` on wasm and on cpu and expects every output to agree. */
async function expectAgreement(f: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const wasm = await on('wasm', f);
  const cpu = await on('cpu', f);
  expect(wasm.length).toBe(cpu.length);
  wasm.forEach((w, i) => {
    const c = cpu[i] as Result;
    expect(w.shape).toEqual(c.shape);
    expect(relativeError(w.values, c.values)).toBeLessThanOrEqual(TOLERANCE);
  });
}

/** The output shape of the forward convolution, to size a random dy. */
function forwardShape(x: number[], filter: number[], strides: number | [number, number], pad: Pad, depthwise: boolean): number[] {
  const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number],
    filter as [number, number, number, number], strides, 1, pad, undefined, depthwise);
  return info.outShape;
}

interface ConvCase { x: number[]; filter: number[]; strides: number | [number, number]; pad: Pad }

const convCases: ConvCase[] = [
  { x: [1, 8, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 9, 7, 5], filter: [3, 3, 5, 6], strides: 2, pad: 'same' },
  { x: [2, 10, 10, 4], filter: [3, 3, 4, 3], strides: 2, pad: 'valid' },
  { x: [3, 11, 9, 2], filter: [5, 3, 2, 4], strides: [2, 1], pad: 'valid' },
  { x: [2, 8, 8, 3], filter: [4, 4, 3, 2], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 6], filter: [1, 1, 6, 5], strides: 2, pad: 'valid' },
  { x: [1, 10, 11, 2], filter: [2, 2, 2, 3], strides: 3, pad: 'valid' },
  { x: [2, 7, 8, 3], filter: [3, 3, 3, 2], strides: 1, pad: 1 },
  { x: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [4, 0], [0, 3], [0, 0]] },
  { x: [2, 32, 32, 16], filter: [3, 3, 16, 24], strides: 1, pad: 'same' },
];

const name = (c: ConvCase) => `x ${c.x} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)}`;

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  registerWasmGradientKernels();
  registerWasmGradientKernels(); // idempotent
});

describe('Conv2DBackpropInput and Conv2DBackpropFilter on wasm', () => {
  it.each(convCases)('kernels agree with cpu: $x $filter $strides $pad', async (c) => {
    const dyShape = forwardShape(c.x, c.filter, c.strides, c.pad, false);
    await expectAgreement(() => {
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' };
      const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: input(dyShape, 1), filter: input(c.filter, 2) },
        { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: input(c.x, 3), dy: input(dyShape, 1) },
        { ...attrs, filterShape: c.filter } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [dx, dw];
    });
  });

  it.each(convCases.slice(0, 5))('tf.grads of tf.conv2d agrees with cpu: $x $filter $strides $pad', async (c) => {
    const dyShape = forwardShape(c.x, c.filter, c.strides, c.pad, false);
    await expectAgreement(() => {
      const weight = input(dyShape, 4);
      const loss = (x: tf.Tensor, w: tf.Tensor) =>
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad).mul(weight).sum();
      return tf.grads(loss)([input(c.x, 5), input(c.filter, 6)]);
    });
  });

  it('NCHW: the filter gradient transposes, the input gradient falls back to the stock kernel', async () => {
    await expectAgreement(() => {
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW' };
      const dy = input([2, 3, 4, 5], 7);
      const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter: input([3, 3, 4, 3], 8) },
        { ...attrs, inputShape: [2, 4, 7, 9] } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: input([2, 4, 7, 9], 9), dy },
        { ...attrs, filterShape: [3, 3, 4, 3] } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [dx, dw];
    });
  });

  it('the stock and the fast Conv2DBackpropInput agree', async () => {
    const c = convCases[1] as ConvCase;
    const grad = () => tf.grad((x: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, input(c.filter, 2) as tf.Tensor4D, c.strides, c.pad).sum())(input(c.x, 3));
    let stock: Result[];
    try {
      useStockConv2DBackpropInput(true);
      stock = await on('wasm', grad);
    } finally {
      useStockConv2DBackpropInput(false);
    }
    const [fast] = await on('wasm', grad);
    expect(relativeError((fast as Result).values, (stock[0] as Result).values)).toBeLessThanOrEqual(TOLERANCE);
  });
});

interface DepthwiseCase { x: number[]; filter: number[]; strides: number; pad: Pad }

const depthwiseCases: DepthwiseCase[] = [
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 1], strides: 1, pad: 'same' },
  { x: [1, 8, 8, 4], filter: [3, 3, 4, 2], strides: 2, pad: 'same' },
  { x: [2, 10, 7, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'valid' },
  { x: [1, 7, 7, 3], filter: [5, 5, 3, 1], strides: 1, pad: 'valid' },
  { x: [2, 8, 9, 3], filter: [3, 3, 3, 1], strides: 2, pad: 'same' },
  { x: [2, 7, 6, 2], filter: [3, 3, 2, 3], strides: 2, pad: 1 },
];

describe('DepthwiseConv2dNative gradients on wasm', () => {
  it.each(depthwiseCases)('kernels agree with cpu: $x $filter $strides $pad', async (c) => {
    const dyShape = forwardShape(c.x, c.filter, c.strides, c.pad, true);
    await expectAgreement(() => {
      const attrs = { strides: c.strides, pad: c.pad, dilations: 1 };
      const dx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: input(dyShape, 1), filter: input(c.filter, 2) },
        { ...attrs, inputShape: c.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dw = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: input(c.x, 3), dy: input(dyShape, 1) },
        { ...attrs, filterShape: c.filter } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [dx, dw];
    });
  });

  it.each(depthwiseCases)('tf.grads of tf.depthwiseConv2d agrees with cpu: $x $filter $strides $pad', async (c) => {
    const dyShape = forwardShape(c.x, c.filter, c.strides, c.pad, true);
    await expectAgreement(() => {
      const weight = input(dyShape, 4);
      const loss = (x: tf.Tensor, w: tf.Tensor) =>
        tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad).mul(weight).sum();
      return tf.grads(loss)([input(c.x, 5), input(c.filter, 6)]);
    });
  });

  it('dilations > 1 (no cpu reference): both kernels are adjoints of the forward convolution', async () => {
    // <conv(x, w), g> = <x, dInput(g, w)> = <w, dFilter(x, g)> for a linear map and its adjoint.
    const [x, w] = [[2, 11, 10, 3], [3, 3, 3, 2]];
    const attrs = { strides: 1, pad: 'same', dilations: 2 } as const;
    const [forward, viaInput, viaFilter] = await on('wasm', () => {
      const [xt, wt] = [input(x, 1), input(w, 2)];
      const y = tf.depthwiseConv2d(xt as tf.Tensor4D, wt as tf.Tensor4D, attrs.strides, attrs.pad, 'NHWC', attrs.dilations);
      const g = input(y.shape, 3);
      const dx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: g, filter: wt },
        { ...attrs, inputShape: x } as unknown as tf.NamedAttrMap) as tf.Tensor;
      const dw = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: xt, dy: g },
        { ...attrs, filterShape: w } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return [y.mul(g).sum(), xt.mul(dx).sum(), wt.mul(dw).sum()];
    });
    const reference = (forward as Result).values[0] ?? 0;
    for (const other of [viaInput, viaFilter]) {
      expect(Math.abs(((other as Result).values[0] ?? 0) - reference) / Math.abs(reference)).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('agrees with cpu, including repeated, skipped and out-of-range ids', async () => {
    await expectAgreement(() => [
      tf.unsortedSegmentSum(input([6, 3, 2], 1), tf.tensor1d([1, 0, 1, 3, 0, 1], 'int32'), 5),
      tf.unsortedSegmentSum(input([5, 4], 2), tf.tensor1d([2, -1, 0, 7, 2], 'int32'), 3),
      tf.unsortedSegmentSum(input([7], 4), tf.tensor1d([0, 0, 1, 1, 1, 0, 2], 'int32'), 3),
    ]);
  });

  it('drives the gradient of tf.gather', async () => {
    await expectAgreement(() => {
      const weight = input([6, 4], 5);
      const loss = (x: tf.Tensor) => tf.gather(x, tf.tensor1d([3, 0, 3, 1, 4, 3], 'int32')).mul(weight).sum();
      return tf.grad(loss)(input([5, 4], 6));
    });
  });
});
