// Operators with weights or windows: Conv, pools, Gemm, MatMul. Inputs channels-last, weights
// converted once here (at load time), padding as ONNX specifies it (explicit, asymmetric allowed).
import * as tf from '../../tf';
import { attrFloat, attrInt, attrIntList, fail, runtimeInput, spatialPads } from './attrs';
import { constTensor, convFilter, depthwiseFilter, dilateFilter, rowsToHwc, toNhwc, toOnnx, transpose2d } from './layout';
import { isFloat, sizeOf, type ConstTensor } from './tensors';
import { nhwc, plain, type Built, type NodeCtx, type OpBuilder } from './types';

type Pairs = Array<[number, number]>;

function spatialPairs(p: number[], extra: number[] = [0, 0]): Pairs {
  return [[0, 0], [p[0]!, p[2]! + extra[0]!], [p[1]!, p[3]! + extra[1]!], [0, 0]];
}

const conv: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const w = ctx.constInput(1, 'weights')!;
  const b = ctx.constInput(2, 'bias');
  if (w.dims.length !== 4 || x.shape.length !== 4) fail(ctx, `only 2-D convolutions are supported (weights [${w.dims.join(', ')}])`);
  const [outC, perGroup, kh, kw] = w.dims as [number, number, number, number];
  const inC = x.shape[1]!;
  const group = attrInt(ctx, 'group', 1);
  const strides = (attrIntList(ctx, 'strides') ?? [1, 1]) as [number, number];
  const dilations = (attrIntList(ctx, 'dilations') ?? [1, 1]) as [number, number];
  if (perGroup * group !== inC || outC % group !== 0) fail(ctx, `weights [${w.dims.join(', ')}] with group ${group} do not fit ${inC} input channels`);
  const pads = spatialPads(ctx, [kh, kw], strides, dilations);
  const depthwise = group > 1 && group === inC;
  const filter = ctx.keep(depthwise ? depthwiseFilter(w, inC) : convFilter(w));
  const dilated = dilations[0] > 1 || dilations[1] > 1;
  const dense = dilated ? ctx.keep(dilateFilter(filter, dilations)) : filter;
  // Grouped (not depthwise) convolutions run as one conv per group, concatenated.
  const groupFilters = group > 1 && !depthwise ? tf.split(dense, group, 3).map((f) => ctx.keep(f as tf.Tensor4D)) : [];
  const bias = b ? ctx.keep(constTensor(b)) : undefined;
  const [padTop, padLeft] = pads(x.shape[2]!, x.shape[3]!);
  return {
    run: ([input]) => {
      let t = toNhwc(input!, x.layout) as tf.Tensor4D;
      const p = pads(t.shape[1], t.shape[2]);
      // Equal padding on all sides goes to the kernel; otherwise pad first, then a 'valid' conv.
      let pad: number | 'valid' = p[0]!;
      if (!p.every((v) => v === p[0])) {
        t = tf.pad(t, spatialPairs(p));
        pad = 'valid';
      }
      let y: tf.Tensor4D;
      if (depthwise) y = tf.depthwiseConv2d(t, dense, strides, pad);
      else if (group === 1) y = tf.conv2d(t, dense, strides, pad);
      else y = tf.concat(tf.split(t, group, 3).map((part, i) => tf.conv2d(part as tf.Tensor4D, groupFilters[i]!, strides, pad)), 3);
      return [bias ? tf.add(y, bias) : y];
    },
    layouts: [nhwc],
    spatial: { kind: 'window', kernel: [kh, kw], strides, dilation: dilations, padBefore: [padTop, padLeft] },
    kernel: filter,
    params: sizeOf(w.dims) + (b ? sizeOf(b.dims) : 0),
  };
};

/** Output size of a pooling window as ONNX/PyTorch count it (a ceil-mode window must start inside the input or its left padding). */
function pooledSize(size: number, k: number, s: number, before: number, after: number, ceil: boolean): number {
  const span = size + before + after - k;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + before) out -= 1;
  return out;
}

function pool(kind: 'max' | 'avg'): OpBuilder {
  return (ctx) => {
    const x = runtimeInput(ctx, 0);
    const kernel = attrIntList(ctx, 'kernel_shape');
    if (!kernel || kernel.length !== 2) fail(ctx, 'only 2-D pooling is supported');
    const k = kernel as [number, number];
    const strides = (attrIntList(ctx, 'strides') ?? [1, 1]) as [number, number];
    const dilations = attrIntList(ctx, 'dilations') ?? [1, 1];
    if (dilations.some((d) => d !== 1)) fail(ctx, 'dilated pooling is not supported');
    const ceil = attrInt(ctx, 'ceil_mode', 0) === 1;
    const countPad = attrInt(ctx, 'count_include_pad', 0) === 1;
    const pads = spatialPads(ctx, k, strides, [1, 1]);
    const window = (t: tf.Tensor4D) => (kind === 'max' ? tf.maxPool(t, k, strides, 'valid') : tf.avgPool(t, k, strides, 'valid'));
    const [padTop, padLeft] = pads(x.shape[2]!, x.shape[3]!);
    return {
      run: ([input]) => {
        const t = toNhwc(input!, x.layout) as tf.Tensor4D;
        const [h, w] = [t.shape[1], t.shape[2]];
        const p = pads(h, w);
        // The ceil-mode windows past the end: padding that no output counts.
        const extra = [0, 1].map((i) => {
          const [size, before, after] = i === 0 ? [h, p[0]!, p[2]!] : [w, p[1]!, p[3]!];
          const out = pooledSize(size, k[i]!, strides[i]!, before, after, ceil);
          return Math.max(0, (out - 1) * strides[i]! + k[i]! - (size + before + after));
        });
        if (p.every((v) => v === 0) && extra.every((v) => v === 0)) return [window(t)];
        if (kind === 'max') return [window(tf.pad(t, spatialPairs(p, extra), -Infinity))];
        // Average: the window sum over zero padding, divided by how many cells the window counts
        // (the input, plus the explicit padding when count_include_pad; never the ceil overhang).
        const counted = countPad ? tf.pad(tf.ones([1, h, w, 1]), spatialPairs(p), 1) : tf.ones([1, h, w, 1]);
        const mask = tf.pad(counted as tf.Tensor4D, countPad ? spatialPairs([0, 0, 0, 0], extra) : spatialPairs(p, extra));
        return [tf.div(window(tf.pad(t, spatialPairs(p, extra))), window(mask))];
      },
      layouts: [nhwc],
      spatial: { kind: 'window', kernel: k, strides, padBefore: [padTop, padLeft] },
    };
  };
}

function globalPool(kind: 'max' | 'avg'): OpBuilder {
  return (ctx) => {
    const x = runtimeInput(ctx, 0);
    if (x.shape.length !== 4) fail(ctx, 'only 4-D inputs are supported');
    return {
      run: ([input]) => {
        const t = toNhwc(input!, x.layout);
        return [kind === 'max' ? tf.max(t, [1, 2], true) : tf.mean(t, [1, 2], true)];
      },
      layouts: [nhwc],
      spatial: { kind: 'global' },
    };
  };
}

/** ReduceMean over spatial axes (PyTorch's x.mean((2, 3))): channels-last axes 1, 2. */
const reduceMean: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const fromInput = ctx.opset >= 18 && ctx.inputs[1] ? ctx.constInput(1, 'axes') : undefined;
  const rank = x.shape.length;
  const axes = (fromInput ? Array.from(fromInput.data as ArrayLike<number>) : (attrIntList(ctx, 'axes') ?? [...Array(rank).keys()])).map((a) => (a < 0 ? a + rank : a));
  if (axes.includes(0)) fail(ctx, 'a mean over the batch axis is not supported');
  const keep = attrInt(ctx, 'keepdims', 1) === 1;
  const spatial = rank === 4 && axes.every((a) => a === 2 || a === 3);
  if (x.layout.kind === 'nhwc' && spatial) {
    // Without keepdims, [N, H, W, C] loses H and W: what is left is in ONNX order already.
    const stored = axes.map((a) => a - 1);
    return { run: ([t]) => [tf.mean(t!, stored, keep)], layouts: [keep ? nhwc : plain], spatial: axes.length === 2 ? { kind: 'global' } : undefined };
  }
  return { run: ([t]) => [tf.mean(toOnnx(t!, x.layout), axes, keep)], layouts: [plain], spatial: { kind: 'global' } };
};

/**
 * A runtime [N, K] times a constant [K, M]: the weights are transposed, scaled and, when the input
 * is an NCHW flatten done channels-last, their rows reordered, all at load time.
 */
function matmulConst(ctx: NodeCtx, b: ConstTensor, transB: boolean, alpha: number, c: ConstTensor | undefined, beta: number): Built {
  const a = runtimeInput(ctx, 0);
  if (!isFloat(b) || b.dims.length !== 2 || a.shape.length !== 2) fail(ctx, `needs a 2-D input and 2-D float weights (input [${a.shape.join(', ')}], weights [${b.dims.join(', ')}])`);
  let m = transB ? transpose2d(b) : b;
  if (m.dims[0] !== a.shape[1]) fail(ctx, `weights [${b.dims.join(', ')}] do not fit an input of ${a.shape[1]} features`);
  const layout = a.layout;
  if (layout.kind === 'flat-hwc') m = { dims: m.dims, data: rowsToHwc(m.data, m.dims[1]!, layout.h, layout.w, layout.c) };
  if (alpha !== 1) m = { dims: m.dims, data: m.data.map((v) => v * alpha) };
  const weights = ctx.keep(constTensor(m));
  const bias = c ? ctx.keep(tf.tidy(() => tf.mul(constTensor(c), beta))) : undefined;
  return {
    run: ([x]) => {
      const y = tf.matMul(x as tf.Tensor2D, weights as tf.Tensor2D);
      return [bias ? tf.add(y, bias) : y];
    },
    layouts: [plain],
    spatial: { kind: 'global' },
    params: sizeOf(b.dims) + (c ? sizeOf(c.dims) : 0),
  };
}

const gemm: OpBuilder = (ctx) => {
  if (attrInt(ctx, 'transA', 0) !== 0) fail(ctx, 'transA is not supported');
  const transB = attrInt(ctx, 'transB', 0) === 1;
  const [alpha, beta] = [attrFloat(ctx, 'alpha', 1), attrFloat(ctx, 'beta', 1)];
  const b = ctx.inputs[1];
  if (b?.kind !== 'const') fail(ctx, 'weights computed at run time are not supported');
  return matmulConst(ctx, b.value, transB, alpha, ctx.constInput(2, 'bias'), beta);
};

const matMul: OpBuilder = (ctx) => {
  const b = ctx.inputs[1];
  if (b?.kind === 'const') return matmulConst(ctx, b.value, false, 1, undefined, 1);
  const [x, y] = [runtimeInput(ctx, 0), runtimeInput(ctx, 1)];
  return {
    run: ([p, q]) => [tf.matMul(toOnnx(p!, x.layout), toOnnx(q!, y.layout))],
    layouts: [plain],
    spatial: { kind: 'global' },
  };
};

export const spatialOps: Record<string, OpBuilder> = {
  Conv: conv,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: globalPool('avg'),
  GlobalMaxPool: globalPool('max'),
  Gemm: gemm,
  MatMul: matMul,
  ReduceMean: reduceMean,
};
