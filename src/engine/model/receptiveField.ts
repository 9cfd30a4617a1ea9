/**
 * Receptive field of every layer with spatial output, in input pixels, per axis [rows, cols]:
 * `size` (how many input pixels one output unit sees), `stride` (input pixels between adjacent
 * units) and `start` (centre of the first unit's field; negative when padding reaches outside the
 * image). Classic recurrence: size += (k_eff − 1)·jump, jump *= stride, start += ((k_eff−1)/2 − pad)·jump.
 * Branches (Add, Concatenate) take the largest field among their inputs.
 */
export type { ReceptiveField } from '../../shared/engineProtocol';
import type { ReceptiveField } from '../../shared/engineProtocol';

/** What the recurrence needs to know about one layer. */
export interface SpatialOp {
  kind: 'window' | 'global' | 'upsample' | 'pass';
  kernel?: [number, number];
  strides?: [number, number];
  dilation?: [number, number];
  padding?: 'same' | 'valid';
  /** Explicit padding before the first row and column (ONNX pads); overrides `padding`. */
  padBefore?: [number, number];
  /** Spatial input size, needed for TF's 'same' padding. */
  inputSize?: [number, number];
  upsample?: [number, number];
}

export const inputField: ReceptiveField = { size: [1, 1], stride: [1, 1], start: [0, 0], global: false };

export function nextField(inputs: ReceptiveField[], op: SpatialOp, imageSize: [number, number]): ReceptiveField {
  const base = widest(inputs);
  if (base.global || op.kind === 'global') return { size: [...imageSize], stride: [...imageSize], start: [(imageSize[0] - 1) / 2, (imageSize[1] - 1) / 2], global: true };
  if (op.kind === 'pass') return base;
  if (op.kind === 'upsample') {
    const f = op.upsample ?? [1, 1];
    return { ...base, stride: [base.stride[0] / f[0], base.stride[1] / f[1]] };
  }
  const axis = (i: 0 | 1): [number, number, number] => {
    const k = op.kernel?.[i] ?? 1;
    const s = op.strides?.[i] ?? 1;
    const d = op.dilation?.[i] ?? 1;
    const kEff = d * (k - 1) + 1;
    const pad = op.padBefore?.[i] ?? (op.padding === 'same' ? samePadBefore(op.inputSize?.[i] ?? 0, kEff, s) : 0);
    return [base.size[i]! + (kEff - 1) * base.stride[i]!, base.stride[i]! * s, base.start[i]! + ((kEff - 1) / 2 - pad) * base.stride[i]!];
  };
  const [r, c] = [axis(0), axis(1)];
  return { size: [r[0], c[0]], stride: [r[1], c[1]], start: [r[2], c[2]], global: false };
}

/** TF pads 'same' asymmetrically: the smaller half before, the larger after. */
export function samePadBefore(inputSize: number, kEff: number, stride: number): number {
  const outSize = Math.ceil(inputSize / stride);
  const total = Math.max((outSize - 1) * stride + kEff - inputSize, 0);
  return Math.floor(total / 2);
}

function widest(fields: ReceptiveField[]): ReceptiveField {
  if (fields.length === 0) return inputField;
  return fields.reduce((a, b) => (b.global || b.size[0] * b.size[1] > a.size[0] * a.size[1] ? b : a));
}
