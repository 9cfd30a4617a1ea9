import { expect, it } from 'vitest';
import { renderFilterTiles, renderFilterGrid } from '../../src/engine/render/renderFilters';
import type { FiltersResult } from '../../src/engine/methods/filters';

// kernel [kh=1, kw=2, in=3, out=2], laid out [i][j][c][o]
const kernel = { shape: [1, 2, 3, 2], data: Float32Array.from([/* j0: c0 */ 0, -1, /* c1 */ 1, 0, /* c2 */ 2, 1, /* j1: c0 */ 4, -1, /* c1 */ 0, -1, /* c2 */ 0, -1]) };
const result: FiltersResult = { layer: 'conv1', kernel, rgb: true };

it('RGB tiles stretch each filter over its own min..max, keeping colour balance', () => {
  const [f0, f1] = renderFilterTiles(result, 'rgb');
  // filter 0: pixel 0 = (0, 1, 2), pixel 1 = (4, 0, 0) over min 0, max 4
  expect(Array.from(f0!.data)).toEqual([0, 64, 128, 255, 0, 0]);
  expect([f0!.width, f0!.height, f0!.channels]).toEqual([2, 1, 3]);
  // filter 1: pixel 0 = (−1, 0, 1), pixel 1 = (−1, −1, −1) over min −1, max 1
  expect(Array.from(f1!.data)).toEqual([0, 128, 255, 0, 0, 0]);
});

it('the mean over inputs uses a diverging map centred on zero', () => {
  const [f1] = renderFilterTiles(result, 'mean').slice(1);
  // filter 1: means (−1+0+1)/3 = 0 → centre colour; (−1−1−1)/3 = −1 → the blue end
  const centre = Array.from(f1!.data.slice(0, 3));
  const low = Array.from(f1!.data.slice(3, 6));
  expect(centre[0]).toBeGreaterThan(200); // light grey
  expect(low[2]).toBeGreaterThan(low[0]!); // blue
});

it('the per-input grid has one row per filter and one column per input channel', () => {
  const grid = renderFilterGrid(result, 'per-input');
  // 3 columns × 2 rows of 1×2 tiles, scaled by 24 (48 px / 2), 2 px padding
  expect(grid.width).toBe(3 * 48 + 4 * 2);
  expect(grid.height).toBe(2 * 24 + 3 * 2);
});
