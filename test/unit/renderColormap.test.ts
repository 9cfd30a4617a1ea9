import { describe, expect, it } from 'vitest';
import { applyColormap, colormapLut, COLORMAP_NAMES, isDiverging, type ColormapName } from '../../src/engine/render/colormap';
import { floatToImage } from '../../src/engine/render/normalize';

const hex = (s: string) => [0, 2, 4].map((i) => parseInt(s.slice(i, i + 2), 16));
const lutAt = (name: ColormapName, i: number) => Array.from(colormapLut(name).subarray(i * 3, i * 3 + 3));
function near(got: number[], want: number[], tol: number) {
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `channel ${i}: ${got} vs ${want}`).toBeLessThanOrEqual(tol));
}

describe('colormap LUTs', () => {
  it('hit the published endpoints and interior colours', () => {
    expect(lutAt('viridis', 0)).toEqual(hex('440154'));
    expect(lutAt('viridis', 255)).toEqual(hex('fde725'));
    expect(lutAt('inferno', 255)).toEqual(hex('fcffa4'));
    expect(lutAt('magma', 0)).toEqual(hex('000004'));
    expect(lutAt('magma', 255)).toEqual(hex('fcfdbf'));
    // Interior entries of matplotlib's full 256-entry tables (not anchors), within one level.
    near(lutAt('viridis', 64), [59, 82, 139], 1);
    near(lutAt('viridis', 128), [33, 145, 140], 1);
    near(lutAt('viridis', 191), [92, 200, 99], 1);
    near(lutAt('inferno', 64), [87, 16, 110], 1);
    near(lutAt('inferno', 128), [188, 55, 84], 1);
    near(lutAt('inferno', 191), [249, 140, 10], 1);
    near(lutAt('magma', 64), [81, 18, 124], 1);
    near(lutAt('magma', 128), [183, 55, 121], 1);
    near(lutAt('magma', 191), [251, 135, 97], 1);
    expect(lutAt('gray', 0)).toEqual([0, 0, 0]);
    expect(lutAt('gray', 100)).toEqual([100, 100, 100]);
    expect(lutAt('coolwarm', 0)).toEqual(hex('3b4cc0'));
    expect(lutAt('coolwarm', 255)).toEqual(hex('b40426'));
  });

  it('are smooth: no jump between neighbouring entries larger than a few levels', () => {
    for (const name of COLORMAP_NAMES) {
      const lut = colormapLut(name);
      for (let i = 3; i < lut.length; i++) expect(Math.abs(lut[i]! - lut[i - 3]!)).toBeLessThanOrEqual(6);
    }
  });
});

describe('applyColormap', () => {
  it('stretches a sequential map over min..max', () => {
    const img = applyColormap([2, 4, 6], 3, 1, 'viridis');
    expect([img.width, img.height, img.channels]).toEqual([3, 1, 3]);
    expect(Array.from(img.data.subarray(0, 3))).toEqual(hex('440154'));
    expect(Array.from(img.data.subarray(6, 9))).toEqual(hex('fde725'));
    expect(Array.from(img.data.subarray(3, 6))).toEqual(lutAt('viridis', 128)); // t = 0.5 → bin 128
  });

  it('gives the lowest colour, not NaN garbage, for constant input and NaN', () => {
    const img = applyColormap(new Float32Array([3, 3, 3, NaN]), 2, 2, 'inferno');
    for (let p = 0; p < 4; p++) expect(Array.from(img.data.subarray(p * 3, p * 3 + 3))).toEqual(hex('000004'));
  });

  it('centres a diverging map on 0 (±max|v|), so 0 is the light centre colour', () => {
    expect(isDiverging('coolwarm')).toBe(true);
    expect(isDiverging('viridis')).toBe(false);
    const img = applyColormap([-1, 0, 4], 3, 1, 'coolwarm');
    // Range is [-4, 4]: -1 → t = 0.375, 0 → t = 0.5, 4 → t = 1.
    const centre = Array.from(img.data.subarray(3, 6));
    near(centre, [221, 221, 221], 2);
    expect(Array.from(img.data.subarray(6, 9))).toEqual(hex('b40426'));
    expect(Array.from(img.data.subarray(0, 3))).toEqual(lutAt('coolwarm', 96));
    // All zeros: the centre, not the blue end.
    near(Array.from(applyColormap([0, 0], 2, 1, 'coolwarm').data.subarray(0, 3)), [221, 221, 221], 2);
  });

  it('honours an explicit range and clamps outside it', () => {
    const img = applyColormap([-5, 0.5, 99], 3, 1, 'gray', { range: [0, 1] });
    expect(Array.from(img.data)).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
    expect(() => applyColormap([1], 1, 1, 'gray', { range: [1, 0] })).toThrow(/low <= high/);
  });
});

describe('floatToImage', () => {
  it('min-max scales to 0..255 and symmetric scaling puts 0 at 128', () => {
    expect(Array.from(floatToImage([1, 2, 3], 3, 1).data)).toEqual([0, 128, 255]);
    expect(Array.from(floatToImage([-2, 0, 1], 3, 1, 1, 'symmetric').data)).toEqual([0, 128, 191]);
    expect(Array.from(floatToImage([5, 5], 2, 1).data)).toEqual([0, 0]);
    expect(Array.from(floatToImage([0, 0], 2, 1, 1, 'symmetric').data)).toEqual([128, 128]);
  });

  it('uses one scale for all channels of an RGB tile', () => {
    const img = floatToImage([0, 1, 2, 2, 1, 0], 2, 1, 3);
    expect(img.channels).toBe(3);
    expect(Array.from(img.data)).toEqual([0, 128, 255, 255, 128, 0]);
  });
});
