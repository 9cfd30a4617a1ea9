// Element-wise and shape operators. Each keeps its input's layout where it can (so a ReLU or an
// Add between convolutions costs no transpose) and converts to ONNX order only where it must.
import * as tf from '../../tf';
import { ruleRelu } from '../layersForward';
import { attrFloat, attrInt, attrIntList, attrString, fail, runtimeInput } from './attrs';
import { squeezeDims, unsqueezeDims } from './fold';
import { constNhwc, constTensor, toNhwc, toOnnx } from './layout';
import { ints, sizeOf } from './tensors';
import { nhwc, plain, type Layout, type NodeCtx, type OpBuilder } from './types';

/** An op that maps each element on its own: any layout goes through unchanged. */
function unary(f: (x: tf.Tensor) => tf.Tensor): OpBuilder {
  return (ctx) => ({ run: ([x]) => [f(x!)], layouts: [runtimeInput(ctx, 0).layout] });
}

const relu: OpBuilder = (ctx) => ({ run: ([x], rule) => [ruleRelu(x!, rule)], layouts: [runtimeInput(ctx, 0).layout] });

/** Clip(0, max) is ReLU6 (or a ReLU): it takes the backward rule like a ReLU; other bounds clip. */
const clip: OpBuilder = (ctx) => {
  const bound = (i: number, name: string, fallback: number) => {
    if (ctx.opset < 11) return attrFloat(ctx, name, fallback);
    const c = ctx.constInput(i, name);
    return c ? c.data[0]! : fallback;
  };
  const [min, max] = [bound(1, 'min', -Infinity), bound(2, 'max', Infinity)];
  const layout = runtimeInput(ctx, 0).layout;
  if (min === 0) return { run: ([x], rule) => [ruleRelu(x!, rule, Number.isFinite(max) ? max : undefined)], layouts: [layout] };
  return { run: ([x]) => [tf.clipByValue(x!, min, max)], layouts: [layout] };
};

const softmax: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const rank = x.shape.length;
  let axis = attrInt(ctx, 'axis', ctx.opset >= 13 ? -1 : 1);
  if (axis < 0) axis += rank;
  // Over the channels of an image tensor: its last axis channels-last. A 2-D row is softmaxed
  // whole, whatever the order of its features (a flat-hwc row stays flat-hwc).
  if (rank === 4 && axis === 1 && x.layout.kind === 'nhwc') return { run: ([t]) => [tf.softmax(t!)], layouts: [nhwc] };
  if (rank === 2 && axis === 1) return { run: ([t]) => [tf.softmax(t!)], layouts: [x.layout] };
  if (axis !== rank - 1) fail(ctx, `softmax over axis ${axis} of a ${rank}-D tensor is not supported`);
  return { run: ([t]) => [tf.softmax(toOnnx(t!, x.layout))], layouts: [plain] };
};

/**
 * Add, Sub, Mul, Div with ONNX broadcasting. With an image tensor among the inputs everything is
 * brought channels-last (constants at load time); otherwise ONNX order, except that a flat-hwc
 * row meets scalars without conversion.
 */
function binary(f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpBuilder {
  return (ctx) => {
    const values = [0, 1].map((i) => ctx.inputs[i] ?? fail(ctx, `input ${i} is missing`));
    const runtime = values.filter((v) => v.kind === 'runtime');
    if (runtime.length === 0) fail(ctx, 'both inputs are constants that could not be folded');
    let layout: Layout = plain;
    if (runtime.some((v) => v.layout.kind === 'nhwc')) layout = nhwc;
    else if (runtime.length === 1 && runtime[0]!.layout.kind === 'flat-hwc' && values.every((v) => v.kind === 'runtime' || sizeOf(v.value.dims) === 1)) layout = runtime[0]!.layout;
    const operands = values.map((v) => {
      if (v.kind === 'const') {
        const t = ctx.keep(layout.kind === 'nhwc' ? constNhwc(v.value) : constTensor(v.value));
        return () => t;
      }
      const from = v.layout;
      return (x: tf.Tensor) => (layout.kind === 'nhwc' ? toNhwc(x, from) : layout.kind === 'flat-hwc' ? x : toOnnx(x, from));
    });
    return { run: (xs) => [f(operands[0]!(xs[0]!), operands[1]!(xs[1]!))], layouts: [layout] };
  };
}

/** Inference batch norm as one scale and one shift per channel, computed at load time. */
const batchNorm: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => ctx.constInput(i, ['', 'scale', 'B', 'mean', 'var'][i]!)!);
  const eps = attrFloat(ctx, 'epsilon', 1e-5);
  const channels = x.shape[1]!;
  if ([scale, bias, mean, variance].some((c) => sizeOf(c!.dims) !== channels)) fail(ctx, `parameters do not have ${channels} values`);
  const s = new Float32Array(channels);
  const t = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    s[c] = scale!.data[c]! / Math.sqrt(variance!.data[c]! + eps);
    t[c] = bias!.data[c]! - mean!.data[c]! * s[c]!;
  }
  const [sT, tT] = [ctx.keep(tf.tensor1d(s)), ctx.keep(tf.tensor1d(t))];
  // Channels are the last axis channels-last and in a 2-D [N, C]: one broadcast covers both.
  const layout = x.shape.length === 4 ? nhwc : plain;
  if (x.shape.length !== 4 && x.shape.length !== 2) fail(ctx, `a ${x.shape.length}-D input is not supported`);
  return {
    run: ([input]) => [tf.add(tf.mul(layout.kind === 'nhwc' ? toNhwc(input!, x.layout) : toOnnx(input!, x.layout), sT), tT)],
    layouts: [layout],
    params: 4 * channels,
  };
};

/** [N, ...] → [N, K]; an image tensor flattens channels-last and is marked flat-hwc (see Layout). */
function flattenTo(ctx: NodeCtx): { run: (x: tf.Tensor) => tf.Tensor; layout: Layout } {
  const x = runtimeInput(ctx, 0);
  if (x.layout.kind === 'nhwc') {
    const [, c, h, w] = x.shape as [number, number, number, number];
    const layout: Layout = h * w === 1 || c === 1 ? plain : { kind: 'flat-hwc', h, w, c };
    return { run: (t) => tf.reshape(t, [t.shape[0]!, -1]), layout };
  }
  if (x.layout.kind === 'flat-hwc') return { run: (t) => t, layout: x.layout };
  return { run: (t) => tf.reshape(t, [t.shape[0]!, -1]), layout: plain };
}

const flatten: OpBuilder = (ctx) => {
  if (attrInt(ctx, 'axis', 1) !== 1) fail(ctx, 'only Flatten at axis 1 (keeping the batch) is supported');
  const f = flattenTo(ctx);
  return { run: ([x]) => [f.run(x!)], layouts: [f.layout], spatial: { kind: 'global' } };
};

/**
 * The target shape is known at load time (folded); its first entry is the batch whether it says
 * NaN (folded from Shape), 1, -1 or 0, provided the rest keeps each sample's size.
 */
const reshape: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const target = ints(ctx.constInput(1, 'shape')!);
  const allowZero = attrInt(ctx, 'allowzero', 0) === 1;
  const perSample = sizeOf(x.shape.slice(1));
  let rest = target.slice(1).map((d, i) => (d === 0 && !allowZero ? x.shape[i + 1]! : d));
  if (rest.some((d) => Number.isNaN(d))) fail(ctx, 'the batch size appears in a non-leading dimension');
  const known = rest.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  if (rest.includes(-1)) rest = rest.map((d) => (d === -1 ? perSample / known : d));
  const first = target[0]!;
  if (!(Number.isNaN(first) || [1, -1, 0].includes(first)) || sizeOf(rest) !== perSample || !rest.every(Number.isInteger)) {
    fail(ctx, `reshaping [${x.shape.join(', ')}] to [${target.join(', ')}] mixes samples of a batch`);
  }
  if (rest.length === 1) {
    const f = flattenTo(ctx);
    return { run: ([t]) => [f.run(t!)], layouts: [f.layout], spatial: { kind: 'global' } };
  }
  if (x.layout.kind === 'nhwc' && rest.every((d, i) => d === x.shape[i + 1])) return { run: ([t]) => [t!], layouts: [nhwc] };
  return { run: ([t]) => [tf.reshape(toOnnx(t!, x.layout), [t!.shape[0]!, ...rest])], layouts: [plain], spatial: { kind: 'global' } };
};

const concat: OpBuilder = (ctx) => {
  const xs = ctx.inputs.map((_, i) => runtimeInput(ctx, i));
  const rank = xs[0]!.shape.length;
  let axis = attrInt(ctx, 'axis', 1);
  if (axis < 0) axis += rank;
  if (axis === 0) fail(ctx, 'concatenating along the batch axis is not supported');
  if (rank === 4 && axis === 1 && xs.every((v) => v.layout.kind === 'nhwc')) return { run: (ts) => [tf.concat(ts as tf.Tensor[], 3)], layouts: [nhwc] };
  return { run: (ts) => [tf.concat(ts.map((t, i) => toOnnx(t!, xs[i]!.layout)), axis)], layouts: [plain] };
};

/** Unsqueeze/Squeeze of a computed tensor: ONNX order, the batch axis untouched. */
function squeezing(kind: 'Unsqueeze' | 'Squeeze'): OpBuilder {
  return (ctx) => {
    const x = runtimeInput(ctx, 0);
    const c = ctx.opset >= 13 && ctx.inputs[1] ? ctx.constInput(1, 'axes') : undefined;
    const axes = c ? ints(c) : attrIntList(ctx, 'axes');
    if (kind === 'Unsqueeze' && !axes) fail(ctx, 'no axes');
    const dims = kind === 'Unsqueeze' ? unsqueezeDims(x.shape, axes!) : squeezeDims(x.shape.map((d, i) => (i === 0 ? -1 : d)), axes);
    if (dims[0] !== x.shape[0] && dims[0] !== -1) fail(ctx, 'the batch axis cannot move');
    return { run: ([t]) => [tf.reshape(toOnnx(t!, x.layout), [t!.shape[0]!, ...dims.slice(1)])], layouts: [plain] };
  };
}

const transpose: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const perm = attrIntList(ctx, 'perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i);
  if (perm[0] !== 0) fail(ctx, `permutation [${perm.join(', ')}] moves the batch axis`);
  // NCHW → NHWC of an image tensor is how it is stored already.
  if (x.layout.kind === 'nhwc' && perm.join() === '0,2,3,1') return { run: ([t]) => [t!], layouts: [plain] };
  return { run: ([t]) => [tf.transpose(toOnnx(t!, x.layout), perm)], layouts: [plain] };
};

const pad: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const mode = attrString(ctx, 'mode', 'constant');
  const pads = ctx.opset >= 11 ? ints(ctx.constInput(1, 'pads')!) : (attrIntList(ctx, 'pads') ?? []);
  const value = ctx.opset >= 11 ? (ctx.inputs[2] ? ctx.constInput(2, 'constant_value')!.data[0]! : 0) : attrFloat(ctx, 'value', 0);
  const rank = x.shape.length;
  if (pads.length !== 2 * rank || pads[0] !== 0 || pads[rank] !== 0) fail(ctx, `pads [${pads.join(', ')}] must leave the batch axis alone`);
  if (mode !== 'constant' && mode !== 'reflect') fail(ctx, `mode '${mode}' is not supported (constant, reflect)`);
  const pairs = (axes: number[]) => axes.map((a) => [pads[a]!, pads[a + rank]!] as [number, number]);
  const channelsLast = x.layout.kind === 'nhwc';
  const p = channelsLast ? pairs([0, 2, 3, 1]) : pairs([...Array(rank).keys()]);
  const run = (t: tf.Tensor) => (mode === 'reflect' ? tf.mirrorPad(t, p, 'reflect') : tf.pad(t, p, value));
  const spatial = rank === 4 ? { kind: 'window' as const, kernel: [1, 1] as [number, number], padBefore: [pads[2]!, pads[3]!] as [number, number] } : undefined;
  return { run: ([t]) => [run(channelsLast ? t! : toOnnx(t!, x.layout))], layouts: [channelsLast ? nhwc : plain], spatial };
};

const cast: OpBuilder = (ctx) => {
  const to = attrInt(ctx, 'to', 1);
  if (to !== 1) fail(ctx, 'only casts to float32 are supported on computed tensors');
  return { run: ([x]) => [x!], layouts: [runtimeInput(ctx, 0).layout] };
};

export const tensorOps: Record<string, OpBuilder> = {
  Relu: relu,
  Clip: clip,
  Sigmoid: unary((x) => tf.sigmoid(x)),
  Identity: unary((x) => x),
  Dropout: unary((x) => x),
  Softmax: softmax,
  Add: binary((a, b) => tf.add(a, b)),
  Sub: binary((a, b) => tf.sub(a, b)),
  Mul: binary((a, b) => tf.mul(a, b)),
  Div: binary((a, b) => tf.div(a, b)),
  BatchNormalization: batchNorm,
  Flatten: flatten,
  Reshape: reshape,
  Concat: concat,
  Unsqueeze: squeezing('Unsqueeze'),
  Squeeze: squeezing('Squeeze'),
  Transpose: transpose,
  Pad: pad,
  Cast: cast,
};
