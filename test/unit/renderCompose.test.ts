import { describe, expect, it } from 'vitest';
import { decodeImageBuffer } from '../../src/engine/image/decodeImage';
import { encodePng } from '../../src/engine/image/encodePng';
import { gridLayout, tileGrid } from '../../src/engine/render/grid';
import { overlayHeatmap } from '../../src/engine/render/overlay';
import type { RawImage } from '../../src/engine/image/rawImage';
import { UserError } from '../../src/engine/errors';

const solid = (w: number, h: number, px: number[]): RawImage => ({
  width: w,
  height: h,
  channels: px.length as 1 | 3 | 4,
  data: Uint8Array.from({ length: w * h * px.length }, (_, i) => px[i % px.length]!),
});
const pixel = (img: RawImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * img.channels, (y * img.width + x + 1) * img.channels));

describe('overlayHeatmap', () => {
  const base = solid(4, 4, [100]); // grey base, expanded to RGB
  const heat = solid(2, 2, [255, 0, 50]); // smaller: resized to 4x4

  it('opacity 0 gives the base and opacity 1 the (resized) heatmap', () => {
    expect(overlayHeatmap(base, heat, 0)).toEqual(solid(4, 4, [100, 100, 100]));
    expect(overlayHeatmap(base, heat, 1)).toEqual(solid(4, 4, [255, 0, 50]));
  });

  it('blends linearly in between', () => {
    expect(pixel(overlayHeatmap(base, heat, 0.25), 1, 2)).toEqual([139, 75, 88]); // 100·0.75 + (255, 0, 50)·0.25, rounded
  });

  it('resizes a non-uniform heatmap bilinearly to the base size', () => {
    const ramp: RawImage = { width: 2, height: 1, channels: 3, data: Uint8Array.from([0, 0, 0, 200, 200, 200]) };
    const out = overlayHeatmap(solid(4, 1, [0, 0, 0]), ramp, 1);
    expect(out.data.filter((_, i) => i % 3 === 0)).toEqual(Uint8Array.from([0, 50, 150, 200]));
  });

  it('refuses an opacity outside 0..1', () => {
    expect(() => overlayHeatmap(base, heat, 1.5)).toThrow(UserError);
  });
});

describe('tileGrid', () => {
  const tiles = [10, 20, 30, 40, 50].map((v) => solid(3, 3, [v]));

  it('lays tiles out row by row in a near-square grid with padding around and between', () => {
    const layout = gridLayout(5, 3, 3);
    expect([layout.columns, layout.rows, layout.width, layout.height]).toEqual([3, 2, 13, 9]); // 3·(3+1)+1, 2·(3+1)+1
    expect(layout.origin(0)).toEqual({ x: 1, y: 1 });
    expect(layout.origin(4)).toEqual({ x: 5, y: 5 });

    const grid = tileGrid(tiles, { background: 255 });
    expect([grid.width, grid.height, grid.channels]).toEqual([13, 9, 1]);
    expect(pixel(grid, 0, 0)).toEqual([255]); // border
    expect(pixel(grid, 1, 1)).toEqual([10]);
    expect(pixel(grid, 3, 3)).toEqual([10]);
    expect(pixel(grid, 4, 1)).toEqual([255]); // gap between tiles 0 and 1
    expect(pixel(grid, 5, 1)).toEqual([20]);
    expect(pixel(grid, 9, 3)).toEqual([30]);
    expect(pixel(grid, 1, 5)).toEqual([40]);
    expect(pixel(grid, 7, 7)).toEqual([50]);
    expect(pixel(grid, 9, 5)).toEqual([255]); // empty sixth cell
  });

  it('upscales with nearest neighbour so a 2x2 filter becomes 2x2 blocks', () => {
    const filter: RawImage = { width: 2, height: 2, channels: 1, data: Uint8Array.from([1, 2, 3, 4]) };
    const grid = tileGrid([filter], { scale: 3, padding: 0 });
    expect([grid.width, grid.height]).toEqual([6, 6]);
    expect(Array.from(grid.data.subarray(0, 6))).toEqual([1, 1, 1, 2, 2, 2]);
    expect(Array.from(grid.data.subarray(30, 36))).toEqual([3, 3, 3, 4, 4, 4]);
  });

  it('honours columns, and converts mixed grey/RGB tiles to RGB', () => {
    const grid = tileGrid([solid(1, 1, [7]), solid(1, 1, [1, 2, 3])], { columns: 1, padding: 0 });
    expect(grid).toEqual({ width: 1, height: 2, channels: 3, data: Uint8Array.from([7, 7, 7, 1, 2, 3]) });
  });

  it('refuses tiles of different sizes', () => {
    expect(() => tileGrid([solid(2, 2, [0]), solid(3, 2, [0])])).toThrow(/tile 1 is 3x2, expected 2x2/);
  });
});

describe('encodePng', () => {
  it('keeps the channel count in the PNG header (grey 0, RGB 2, RGBA 6)', () => {
    for (const [px, colourType] of [[[9], 0], [[1, 2, 3], 2], [[1, 2, 3, 4], 6]] as const) {
      const png = encodePng(solid(3, 2, [...px]));
      expect(png[25]).toBe(colourType);
      expect(decodeImageBuffer(png, 'x.png').data.length).toBe(3 * 2 * 3);
    }
  });
});
