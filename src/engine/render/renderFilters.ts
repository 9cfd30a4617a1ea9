import type { FiltersResult } from '../methods/filters';
import { applyColormap } from './colormap';
import { tileGrid } from './grid';
import { floatToImage } from './normalize';
import type { RawImage } from '../image/rawImage';

/** How to draw a layer's kernels: RGB tiles (first layer on RGB input), the mean over inputs, or every input channel. */
export type FilterMode = 'auto' | 'rgb' | 'mean' | 'per-input';

/**
 * Kernels [kh, kw, in, out] as a grid. RGB tiles stretch each filter to its own min..max (as in
 * the AlexNet figure); single-channel tiles use a diverging map so positive and negative weights
 * read apart. 'per-input' puts one row per filter, one column per input channel.
 */
export function renderFilterGrid(result: FiltersResult, mode: FilterMode = 'auto', maxTiles = 1024): RawImage {
  const [kh, kw, cin] = result.kernel.shape as [number, number, number, number];
  const options = { padding: 2, scale: tileScale(kh, kw), background: 40 };
  if (resolveMode(result, mode) !== 'per-input') return tileGrid(renderFilterTiles(result, mode, maxTiles), options);
  const tiles: RawImage[] = [];
  const cout = result.kernel.shape[3]!;
  for (let o = 0; o < cout && tiles.length < maxTiles; o++) {
    for (let c = 0; c < cin && tiles.length < maxTiles; c++) tiles.push(applyColormap(kernelSlice(result, o, (i, j, w) => w(i, j, c)), kw, kh, 'coolwarm'));
  }
  return tileGrid(tiles, { ...options, columns: cin > 1 ? Math.min(cin, 64) : undefined });
}

/** One tile per output filter, at kernel resolution (RGB, or the mean over input channels). */
export function renderFilterTiles(result: FiltersResult, mode: FilterMode = 'auto', maxTiles = 1024): RawImage[] {
  const [kh, kw, cin, cout] = result.kernel.shape as [number, number, number, number];
  const rgb = resolveMode(result, mode) === 'rgb';
  if (rgb && cin !== 3) throw new Error(`RGB filter tiles need 3 input channels; layer '${result.layer}' has ${cin}`);
  const tiles: RawImage[] = [];
  for (let o = 0; o < Math.min(cout, maxTiles); o++) {
    if (rgb) {
      const values: number[] = [];
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < 3; c++) values.push(weight(result, i, j, c, o));
      tiles.push(floatToImage(values, kw, kh, 3, 'minmax'));
    } else {
      tiles.push(applyColormap(kernelSlice(result, o, (i, j, w) => { let s = 0; for (let c = 0; c < cin; c++) s += w(i, j, c); return s / cin; }), kw, kh, 'coolwarm'));
    }
  }
  return tiles;
}

function resolveMode(result: FiltersResult, mode: FilterMode): Exclude<FilterMode, 'auto'> {
  return mode === 'auto' ? (result.rgb ? 'rgb' : 'mean') : mode;
}

function tileScale(kh: number, kw: number): number {
  return Math.max(1, Math.floor(48 / Math.max(kh, kw)));
}

function weight(result: FiltersResult, i: number, j: number, c: number, o: number): number {
  const [, kw, cin, cout] = result.kernel.shape as [number, number, number, number];
  return result.kernel.data[((i * kw + j) * cin + c) * cout + o]!;
}

/** A kh×kw map of filter o, each value computed from the weights at (i, j). */
function kernelSlice(result: FiltersResult, o: number, value: (i: number, j: number, w: (i: number, j: number, c: number) => number) => number): Float32Array {
  const [kh, kw] = result.kernel.shape as [number, number];
  const out = new Float32Array(kh * kw);
  const w = (i: number, j: number, c: number) => weight(result, i, j, c, o);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) out[i * kw + j] = value(i, j, w);
  return out;
}
