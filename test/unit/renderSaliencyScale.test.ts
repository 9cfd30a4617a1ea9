// Saliency heatmaps scale to the bulk of the map, not its few largest pixels (Captum's
// visualize_image_attr, outlier_perc = 2), so heavy-tailed gradient maps do not come out flat.
import { expect, it } from 'vitest';
import { outlierThreshold, saliencyHeatmap } from '../../src/engine/render/renderSaliency';
import type { AttributionResult } from '../../src/engine/methods/types';

it('the threshold is where the sorted |values| reach 98 % of their sum', () => {
  // |values| sorted: 1 ×1000, then 5, 5, −5: total 1015; 98 % of it is 994.7, first reached by
  // the 995th 1. The three outliers (1.5 % of the mass) lie above the threshold.
  expect(outlierThreshold([...new Array(1000).fill(1), 5, 5, -5], 0.02)).toBe(1);
  // An outlier holding more than 2 % of the mass is the threshold itself (Captum does the same).
  expect(outlierThreshold([...new Array(98).fill(1), -100, 200], 0.02)).toBe(200);
  expect(outlierThreshold(new Array(10).fill(3), 0.02)).toBe(3);
  expect(outlierThreshold([0, 0, 0], 0.02)).toBe(0);
  expect(outlierThreshold([NaN, 2, Infinity], 0.02)).toBe(2);
});

function mapResult(data: number[], signedMap: boolean): AttributionResult {
  return { method: 'test', target: { kind: 'class', index: 0 }, attribution: { shape: [1], data: new Float32Array(1) }, map: { shape: [1, data.length], data: Float32Array.from(data) }, signedMap, details: {} };
}

it('a heavy-tailed map keeps its contrast: the bulk spans the colormap, outliers sit at its end', () => {
  // 990 values spread over [0, 1) (sum ≈ 495) and five outliers of 1.5 (1.5 % of the mass).
  const bulk = Array.from({ length: 990 }, (_, i) => i / 990);
  const img = saliencyHeatmap(mapResult([...bulk, ...new Array(5).fill(1.5)], false));
  const colours = new Set<string>();
  for (let i = 0; i < 990; i++) colours.add(Array.from(img.data.subarray(i * 3, i * 3 + 3)).join(','));
  // Against a map whose single outlier holds most of the mass: then the scale is its value, and
  // the bulk is squeezed into the bottom of the colormap.
  const byMax = saliencyHeatmap(mapResult([...bulk, 1.5 * 990], false));
  const coloursByMax = new Set<string>();
  for (let i = 0; i < 990; i++) coloursByMax.add(Array.from(byMax.data.subarray(i * 3, i * 3 + 3)).join(','));
  expect(colours.size).toBeGreaterThan(200);
  expect(colours.size).toBeGreaterThan(coloursByMax.size);
  const outlier = Array.from(img.data.subarray(990 * 3, 991 * 3)).join(',');
  const top = Array.from(img.data.subarray(989 * 3, 990 * 3)).join(',');
  expect(outlier).toBe(top);
});

it('a signed map stays centred on zero', () => {
  const data = [...Array.from({ length: 50 }, (_, i) => -i / 50), ...Array.from({ length: 50 }, (_, i) => i / 50)];
  const img = saliencyHeatmap(mapResult(data, true));
  const zero = saliencyHeatmap(mapResult([0, ...data.slice(1)], true));
  // The pixel holding exactly 0 gets the diverging map's middle colour in both.
  expect(Array.from(img.data.subarray(0, 3))).toEqual(Array.from(zero.data.subarray(0, 3)));
});
