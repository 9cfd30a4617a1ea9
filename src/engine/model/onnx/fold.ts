// Load-time evaluation of nodes whose inputs are all known: the Shape/Gather/Unsqueeze/Concat
// chains PyTorch writes for x.view(x.size(0), -1), Constant nodes, casts. Plain JS on small
// arrays; the batch size is unknown here and travels as NaN, which Reshape reads as "the batch".
import { int, type OnnxAttribute } from './proto';
import { readTensor, sizeOf, type ConstTensor } from './tensors';
import type { Value } from './types';

export interface FoldCtx {
  file: string;
  name: string;
  opset: number;
  inputs: (Value | undefined)[];
  attr(name: string): OnnxAttribute | undefined;
  /** A UserError naming the node. */
  fail(message: string): never;
}

type Folder = (ctx: FoldCtx) => ConstTensor[];

export function attrInts(a: OnnxAttribute | undefined): number[] | undefined {
  return a?.ints && a.ints.length > 0 ? a.ints.map((v) => int(v)) : undefined;
}

function konst(ctx: FoldCtx, i: number): ConstTensor {
  const v = ctx.inputs[i];
  if (!v || v.kind !== 'const') return ctx.fail(`input ${i} must be known at load time`);
  return v.value;
}

const same = (data: Float32Array | number[], values: number[]): Float32Array | number[] => (data instanceof Float32Array ? Float32Array.from(values) : values);

/** Axes of Unsqueeze/Squeeze/ReduceX: an input from opset 13 on, an attribute before. */
function axesOf(ctx: FoldCtx, inputIndex: number): number[] | undefined {
  const fromInput = ctx.inputs[inputIndex];
  if (fromInput) return Array.from(konst(ctx, inputIndex).data as ArrayLike<number>);
  return attrInts(ctx.attr('axes'));
}

export function unsqueezeDims(dims: number[], axes: number[]): number[] {
  const rank = dims.length + axes.length;
  const at = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : dims[j++]!);
  return out;
}

export function squeezeDims(dims: number[], axes: number[] | undefined): number[] {
  const at = new Set((axes ?? dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => (a < 0 ? a + dims.length : a)));
  return dims.filter((_, i) => !at.has(i));
}

/** Element-wise with ONNX (numpy) broadcasting. */
function broadcast(ctx: FoldCtx, f: (a: number, b: number) => number): ConstTensor[] {
  const [a, b] = [konst(ctx, 0), konst(ctx, 1)];
  const rank = Math.max(a.dims.length, b.dims.length);
  const pad = (d: number[]) => [...Array<number>(rank - d.length).fill(1), ...d];
  const [da, db] = [pad(a.dims), pad(b.dims)];
  const dims = da.map((d, i) => (d === 1 ? db[i]! : d));
  if (da.some((d, i) => d !== db[i] && d !== 1 && db[i] !== 1)) ctx.fail(`cannot broadcast [${a.dims.join(', ')}] with [${b.dims.join(', ')}]`);
  const out: number[] = [];
  const index = (d: number[], coords: number[]) => coords.reduce((acc, c, i) => acc * d[i]! + (d[i] === 1 ? 0 : c), 0);
  for (let k = 0; k < sizeOf(dims); k++) {
    const coords: number[] = [];
    let rest = k;
    for (let i = rank - 1; i >= 0; i--) {
      coords.unshift(rest % dims[i]!);
      rest = Math.floor(rest / dims[i]!);
    }
    out.push(f(a.data[index(da, coords)]!, b.data[index(db, coords)]!));
  }
  const isFloatOut = a.data instanceof Float32Array || b.data instanceof Float32Array;
  return [{ dims, data: isFloatOut ? Float32Array.from(out) : out }];
}

const folders: Record<string, Folder> = {
  Constant: (ctx) => {
    const a = ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'].map((n) => [n, ctx.attr(n)] as const).find(([, v]) => v);
    if (!a) return ctx.fail('a Constant without a value (sparse and string constants are not supported)');
    const [kind, v] = a;
    if (kind === 'value') return [readTensor(ctx.file, v!.t ?? {}, `constant of node '${ctx.name}'`)];
    if (kind === 'value_float') return [{ dims: [], data: Float32Array.of(v!.f ?? 0) }];
    if (kind === 'value_floats') return [{ dims: [v!.floats?.length ?? 0], data: Float32Array.from(v!.floats ?? []) }];
    if (kind === 'value_int') return [{ dims: [], data: [int(v!.i)] }];
    const values = attrInts(v) ?? [];
    return [{ dims: [values.length], data: values }];
  },
  Shape: (ctx) => {
    const v = ctx.inputs[0];
    if (!v) return ctx.fail('no input');
    const dims = v.kind === 'runtime' ? [NaN, ...v.shape.slice(1)] : v.value.dims;
    const rank = dims.length;
    const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + rank : i, 0), rank);
    const start = clamp(int(ctx.attr('start')?.i, 0));
    const end = clamp(ctx.attr('end') ? int(ctx.attr('end')!.i) : rank);
    const out = dims.slice(start, end);
    return [{ dims: [out.length], data: out }];
  },
  Identity: (ctx) => [konst(ctx, 0)],
  Dropout: (ctx) => [konst(ctx, 0)],
  Cast: (ctx) => {
    const c = konst(ctx, 0);
    const to = int(ctx.attr('to')?.i);
    const values = Array.from(c.data as ArrayLike<number>);
    return [{ dims: c.dims, data: to === 1 || to === 10 || to === 11 ? Float32Array.from(values) : values.map((v) => (Number.isNaN(v) ? v : Math.trunc(v))) }];
  },
  Gather: (ctx) => {
    const [data, indices] = [konst(ctx, 0), konst(ctx, 1)];
    if (int(ctx.attr('axis')?.i, 0) !== 0 || data.dims.length === 0) ctx.fail('only Gather along axis 0 is evaluated at load time');
    const n = data.dims[0]!;
    const row = sizeOf(data.dims.slice(1));
    const out: number[] = [];
    for (const raw of indices.data) {
      const i = raw < 0 ? raw + n : raw;
      if (!(i >= 0 && i < n)) ctx.fail(`index ${raw} out of range for ${n}`);
      for (let k = 0; k < row; k++) out.push(data.data[i * row + k]!);
    }
    return [{ dims: [...indices.dims, ...data.dims.slice(1)], data: same(data.data, out) }];
  },
  Unsqueeze: (ctx) => {
    const c = konst(ctx, 0);
    return [{ dims: unsqueezeDims(c.dims, axesOf(ctx, 1) ?? ctx.fail('no axes')), data: c.data }];
  },
  Squeeze: (ctx) => {
    const c = konst(ctx, 0);
    return [{ dims: squeezeDims(c.dims, axesOf(ctx, 1)), data: c.data }];
  },
  Concat: (ctx) => {
    const parts = ctx.inputs.map((_, i) => konst(ctx, i));
    const axis = int(ctx.attr('axis')?.i, 0);
    if (parts.some((p) => p.dims.length !== 1) || (axis !== 0 && axis !== -1)) ctx.fail('only 1-D constants are concatenated at load time');
    const values = parts.flatMap((p) => Array.from(p.data as ArrayLike<number>));
    return [{ dims: [values.length], data: parts.some((p) => p.data instanceof Float32Array) ? Float32Array.from(values) : values }];
  },
  Slice: (ctx) => {
    const c = konst(ctx, 0);
    if (c.dims.length !== 1) ctx.fail('only 1-D constants are sliced at load time');
    const read = (i: number, attr: string) => (ctx.opset >= 10 ? (ctx.inputs[i] ? Array.from(konst(ctx, i).data as ArrayLike<number>) : undefined) : attrInts(ctx.attr(attr)));
    const n = c.dims[0]!;
    const step = read(4, 'steps')?.[0] ?? 1;
    if (step !== 1) ctx.fail('only step 1 is evaluated at load time');
    const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
    const [start, end] = [clamp(read(1, 'starts')?.[0] ?? 0), clamp(read(2, 'ends')?.[0] ?? n)];
    const out = Array.from(c.data as ArrayLike<number>).slice(start, Math.max(start, end));
    return [{ dims: [out.length], data: same(c.data, out) }];
  },
  Add: (ctx) => broadcast(ctx, (a, b) => a + b),
  Sub: (ctx) => broadcast(ctx, (a, b) => a - b),
  Mul: (ctx) => broadcast(ctx, (a, b) => a * b),
  Div: (ctx) => {
    const isInt = !(konst(ctx, 0).data instanceof Float32Array);
    return broadcast(ctx, (a, b) => (isInt ? Math.trunc(a / b) : a / b));
  },
  Reshape: (ctx) => {
    const c = konst(ctx, 0);
    const target = Array.from(konst(ctx, 1).data as ArrayLike<number>).map((d, i) => (d === 0 ? c.dims[i]! : d));
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    return [{ dims: target.map((d) => (d === -1 ? sizeOf(c.dims) / known : d)), data: c.data }];
  },
  ConstantOfShape: (ctx) => {
    const dims = Array.from(konst(ctx, 0).data as ArrayLike<number>);
    if (dims.some((d) => !(d >= 0))) ctx.fail('a shape that depends on the batch size');
    const t = ctx.attr('value')?.t;
    const fill = t ? readTensor(ctx.file, t, `value of node '${ctx.name}'`) : { dims: [1], data: Float32Array.of(0) };
    const values = Array<number>(sizeOf(dims)).fill(fill.data[0] ?? 0);
    return [{ dims, data: same(fill.data, values) }];
  },
};

/** Folds the node if every input is known (Shape needs only its input's shape), else undefined. */
export function tryFold(op: string, ctx: FoldCtx): ConstTensor[] | undefined {
  const folder = folders[op];
  if (!folder) return undefined;
  const present = ctx.inputs.filter((v): v is Value => v !== undefined);
  const known = op === 'Shape' || op === 'Constant' || present.every((v) => v.kind === 'const');
  return known ? folder(ctx) : undefined;
}
