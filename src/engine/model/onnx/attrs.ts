// Reading a node's attributes and inputs, with errors that name the node.
import { UserError } from '../../errors';
import { int } from './proto';
import type { NodeCtx, RuntimeValue } from './types';

export function fail(ctx: Pick<NodeCtx, 'file' | 'node' | 'name'>, message: string): never {
  throw new UserError(`${ctx.file}: ${ctx.node.op_type ?? '?'} node '${ctx.name}': ${message}`);
}

export function attrInt(ctx: NodeCtx, name: string, fallback: number): number {
  const a = ctx.attr(name);
  return a ? int(a.i) : fallback;
}

export function attrFloat(ctx: NodeCtx, name: string, fallback: number): number {
  const a = ctx.attr(name);
  return a?.f ?? fallback;
}

export function attrIntList(ctx: NodeCtx, name: string): number[] | undefined {
  const a = ctx.attr(name);
  return a?.ints && a.ints.length > 0 ? a.ints.map((v) => int(v)) : undefined;
}

export function attrString(ctx: NodeCtx, name: string, fallback: string): string {
  const s = ctx.attr(name)?.s;
  return s && s.length > 0 ? Buffer.from(s).toString('utf8') : fallback;
}

/** An input computed at run time (the image path through the graph). */
export function runtimeInput(ctx: NodeCtx, index: number): RuntimeValue {
  const v = ctx.inputs[index];
  if (!v) fail(ctx, `input ${index} is missing`);
  if (v.kind !== 'runtime') fail(ctx, `input ${index} is a constant where ConvScope expects a computed tensor`);
  return v;
}

/** Spatial padding [top, left, bottom, right] for an input of height h, width w (ONNX pads or auto_pad). */
export function spatialPads(ctx: NodeCtx, kernel: number[], strides: number[], dilations: number[]): (h: number, w: number) => number[] {
  const autoPad = attrString(ctx, 'auto_pad', 'NOTSET');
  const pads = attrIntList(ctx, 'pads') ?? [0, 0, 0, 0];
  if (pads.length !== 4) fail(ctx, `pads [${pads.join(', ')}] are not 2-D`);
  if (autoPad === 'NOTSET') return () => pads;
  if (autoPad === 'VALID') return () => [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') fail(ctx, `auto_pad '${autoPad}' is not an ONNX value`);
  // SAME: output = ceil(in / stride); the odd pixel goes after (UPPER) or before (LOWER).
  return (h, w) => {
    const total = [h, w].map((size, i) => Math.max((Math.ceil(size / strides[i]!) - 1) * strides[i]! + (kernel[i]! - 1) * dilations[i]! + 1 - size, 0));
    const small = total.map((t) => Math.floor(t / 2));
    const large = total.map((t, i) => t - small[i]!);
    return autoPad === 'SAME_UPPER' ? [small[0]!, small[1]!, large[0]!, large[1]!] : [large[0]!, large[1]!, small[0]!, small[1]!];
  };
}
