import type { FiltersResult } from '../methods/filters';
import { applyColormap } from './colormap';
import { tileGrid } from './grid';
import type { RawImage } from './rawImage';

/** How to draw a layer's kernels: RGB tiles (first layer on RGB input), the mean over inputs, or every input channel. */
export type FilterMode = 'auto' | 'rgb' | 'mean' | 'per-input';

/**
 * Kernels [kh, kw, in, out] as a grid. RGB tiles stretch each filter to its own min..max (as in
 * the AlexNet figure); single-channel tiles use a diverging map so positive and negative weights read apart.
 */
export function renderFilterGrid(result: FiltersResult, mode: FilterMode = 'auto', maxTiles = 1024): RawImage {
  const [kh, kw, cin, cout] = result.kernel.shape as [number, number, number, number];
  const w = (i: number, j: number, c: number, o: number) => result.kernel.data[((i * kw + j) * cin + c) * cout + o]!;
  const chosen = mode === 'auto' ? (result.rgb ? 'rgb' : 'mean') : mode;
  const scale = Math.max(1, Math.floor(48 / Math.max(kh, kw)));
  const tiles: RawImage[] = [];
  if (chosen === 'rgb') {
    if (cin !== 3) throw new Error(`RGB filter tiles need 3 input channels; layer '${result.layer}' has ${cin}`);
    for (let o = 0; o < Math.min(cout, maxTiles); o++) {
      const values: number[] = [];
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < 3; c++) values.push(w(i, j, c, o));
      tiles.push(stretchRgb(values, kw, kh));
    }
    return tileGrid(tiles, { padding: 2, scale, background: 40 });
  }
  const perInput = chosen === 'per-input';
  for (let o = 0; o < cout && tiles.length < maxTiles; o++) {
    for (let c = 0; c < (perInput ? cin : 1) && tiles.length < maxTiles; c++) {
      const values = new Float32Array(kh * kw);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          if (perInput) values[i * kw + j] = w(i, j, c, o);
          else for (let k = 0; k < cin; k++) values[i * kw + j]! += w(i, j, k, o) / cin;
        }
      }
      tiles.push(applyColormap(values, kw, kh, 'coolwarm'));
    }
  }
  return tileGrid(tiles, { padding: 2, scale, background: 40, columns: perInput ? Math.min(cin, 64) : undefined });
}

function stretchRgb(values: number[], width: number, height: number): RawImage {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const data = Uint8Array.from(values, (v) => (hi > lo ? Math.round(((v - lo) / (hi - lo)) * 255) : 128));
  return { width, height, channels: 3, data };
}
