import { describe, expect, it } from 'vitest';
import { toGrey, toRgb, dropAlpha } from '../../src/engine/image/channels';
import { resizeBilinear, resizeBilinearFloat } from '../../src/engine/image/resize';
import type { RawImage } from '../../src/engine/image/rawImage';

describe('resizeBilinear (half-pixel centres)', () => {
  it('upsamples 2x2 → 4x4 to hand-computed values', () => {
    // Output x maps to source (x + 0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25 → clamped 0, 0.25, 0.75, 1.
    // Row weights are the same, so with a=0, b=100 (top) and c=200, d=40 (bottom):
    //   top row    0, 25, 75, 100;  bottom row 200, 160, 80, 40
    //   row 1 = 0.75·top + 0.25·bottom, row 2 = 0.25·top + 0.75·bottom.
    const f = resizeBilinearFloat([0, 100, 200, 40], 2, 2, 1, 4, 4);
    expect(Array.from(f)).toEqual([
      0, 25, 75, 100,
      50, 58.75, 76.25, 85,
      150, 126.25, 78.75, 55,
      200, 160, 80, 40,
    ]);
    const img: RawImage = { width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 100, 200, 40]) };
    // 58.75 → 59, 76.25 → 76, 126.25 → 126, 78.75 → 79
    expect(Array.from(resizeBilinear(img, 4, 4).data)).toEqual([0, 25, 75, 100, 50, 59, 76, 85, 150, 126, 79, 55, 200, 160, 80, 40]);
  });

  it('keeps channels apart and downsamples 4x1 → 2x1 by averaging pixel pairs', () => {
    // Output x=0 samples source 0.5 (between pixels 0 and 1), x=1 samples 2.5.
    const img: RawImage = { width: 4, height: 1, channels: 3, data: Uint8Array.from([0, 10, 255, 100, 20, 255, 50, 30, 0, 150, 40, 0]) };
    expect(resizeBilinear(img, 2, 1)).toEqual({ width: 2, height: 1, channels: 3, data: Uint8Array.from([50, 15, 255, 100, 35, 0]) });
  });

  it('returns the image itself when the size already matches', () => {
    const img: RawImage = { width: 1, height: 1, channels: 3, data: Uint8Array.from([1, 2, 3]) };
    expect(resizeBilinear(img, 1, 1)).toBe(img);
  });
});

describe('channel conversions', () => {
  it('toGrey uses BT.601 luma rounded like PIL, and keeps grey exact', () => {
    const img: RawImage = { width: 4, height: 1, channels: 3, data: Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 77, 77, 77]) };
    // 0.299·255 = 76.2, 0.587·255 = 149.7, 0.114·255 = 29.1
    expect(Array.from(toGrey(img).data)).toEqual([76, 150, 29, 77]);
  });

  it('toRgb replicates grey; dropAlpha discards alpha', () => {
    expect(Array.from(toRgb({ width: 2, height: 1, channels: 1, data: Uint8Array.from([5, 9]) }).data)).toEqual([5, 5, 5, 9, 9, 9]);
    expect(Array.from(dropAlpha({ width: 1, height: 1, channels: 4, data: Uint8Array.from([1, 2, 3, 4]) }).data)).toEqual([1, 2, 3]);
  });
});
