import { UserError } from '../errors';
import { COLORMAP_ANCHORS } from './colormapData';
import { finiteRange } from './normalize';
import type { RawImage } from '../image/rawImage';

export type ColormapName = keyof typeof COLORMAP_ANCHORS; // 'viridis' | 'inferno' | 'magma' | 'gray' | 'coolwarm'

export const COLORMAP_NAMES = Object.keys(COLORMAP_ANCHORS) as ColormapName[];

export function isColormapName(s: string): s is ColormapName {
  return (COLORMAP_NAMES as string[]).includes(s);
}

/** Diverging maps show signed data: their centre colour means 0. */
export function isDiverging(name: ColormapName): boolean {
  return name === 'coolwarm';
}

const luts = new Map<ColormapName, Uint8Array>();

/** The 256-entry RGB lookup table (768 bytes) of a colormap, built once from its control points. */
export function colormapLut(name: ColormapName): Uint8Array {
  let lut = luts.get(name);
  if (!lut) {
    const anchors = COLORMAP_ANCHORS[name].map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));
    const segments = anchors.length - 1;
    lut = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) {
      const pos = (i * segments) / 255;
      const k = Math.min(Math.floor(pos), segments - 1);
      const f = pos - k;
      for (let c = 0; c < 3; c++) {
        const a = anchors[k]![c]!;
        const b = anchors[k + 1]![c]!;
        lut[i * 3 + c] = Math.round(a + (b - a) * f);
      }
    }
    luts.set(name, lut);
  }
  return lut;
}

export interface ColormapOptions {
  /** Values mapped to the first and last colour; values outside are clamped. */
  range?: [number, number];
}

/**
 * Maps a width×height array of values to RGB. Without `range`: sequential maps stretch min..max,
 * diverging maps use ±max|v| so that 0 lands on the centre colour. A constant input gives the lowest
 * colour (sequential) or the centre (diverging, all zeros); NaN gives the lowest colour.
 */
export function applyColormap(
  values: Float32Array | Float64Array | number[],
  width: number,
  height: number,
  name: ColormapName,
  opts: ColormapOptions = {},
): RawImage {
  if (values.length !== width * height) throw new Error(`applyColormap: ${values.length} values for a ${width}x${height} image`);
  if (opts.range && !(Number.isFinite(opts.range[0]) && Number.isFinite(opts.range[1]) && opts.range[0] <= opts.range[1])) {
    throw new UserError(`colormap range [${opts.range.join(', ')}] must be two finite numbers, low <= high`);
  }
  const [lo, hi] = opts.range ?? defaultRange(values, isDiverging(name));
  const lut = colormapLut(name);
  const diverging = isDiverging(name);
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const idx = lutIndex(values[i]!, lo, hi, diverging) * 3;
    out[i * 3] = lut[idx]!;
    out[i * 3 + 1] = lut[idx + 1]!;
    out[i * 3 + 2] = lut[idx + 2]!;
  }
  return { width, height, channels: 3, data: out };
}

/** LUT entry for a value: equal-width bins as matplotlib (t = 1 falls in the last bin), clamped. */
function lutIndex(v: number, lo: number, hi: number, diverging: boolean): number {
  if (Number.isNaN(v)) return 0;
  if (v > hi) return 255;
  if (v < lo) return 0;
  // Empty range (constant input): nothing to stretch, so the lowest colour, or the centre for
  // diverging maps, where the empty range is ±0.
  if (!(hi > lo)) return diverging ? 128 : 0;
  return Math.min(255, Math.floor(((v - lo) / (hi - lo)) * 256));
}

/** min..max of the finite values (sequential), or ±max|v| (diverging); [0, 0] if none is finite. */
function defaultRange(values: ArrayLike<number>, diverging: boolean): [number, number] {
  const range = finiteRange(values);
  if (!range) return [0, 0];
  const [min, max] = range;
  if (diverging) {
    const m = Math.max(Math.abs(min), Math.abs(max));
    return [-m, m];
  }
  return [min, max];
}
