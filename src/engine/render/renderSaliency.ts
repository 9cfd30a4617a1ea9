import type { AttributionResult } from '../methods/types';
import { applyColormap, type ColormapName } from './colormap';
import { magnifyNearest } from './magnify';
import { overlayHeatmap } from './overlay';
import type { RawImage } from '../image/rawImage';

export interface SaliencyRenderOptions {
  /** Default: 'coolwarm' for signed maps (IG, occlusion), 'inferno' otherwise. */
  colormap?: ColormapName;
  /** Heatmap opacity over the image, 0..1. */
  opacity?: number;
  /** Small images are enlarged (nearest neighbour) until their longer side reaches this. */
  minSize?: number;
}

/**
 * The map alone, coloured, at its own resolution (the input size for every method). Gradient maps
 * are heavy-tailed: scaled to their maximum, a few pixels take the whole colour range and the rest
 * of the map is one flat colour. Like Captum's visualize_image_attr (outlier_perc = 2), the scale
 * stops where the largest values make up the top 2 % of the total |map|; what lies above is shown
 * at the end of the colormap. Maps whose mass is concentrated in a few pixels keep their maximum.
 */
export function saliencyHeatmap(result: AttributionResult, options: SaliencyRenderOptions = {}): RawImage {
  const [height, width] = result.map.shape as [number, number];
  return mapHeatmap(result.map.data, width, height, result.signedMap, pickColormap(result, options.colormap));
}

/** Any saliency-like map coloured on that scale (final results and the previews of long runs). */
export function mapHeatmap(values: Float32Array, width: number, height: number, signed: boolean, colormap: ColormapName): RawImage {
  const limit = outlierThreshold(values, 0.02);
  const range: [number, number] | undefined = limit > 0 ? (signed ? [-limit, limit] : [Math.min(0, minOf(values)), limit]) : undefined;
  return applyColormap(values, width, height, colormap, range ? { range } : {});
}

/** The |value| below which (1 − outlierFraction) of the total |value| lies (0 for an empty or zero map). */
export function outlierThreshold(values: ArrayLike<number>, outlierFraction: number): number {
  const magnitudes = Float64Array.from(values, (v) => (Number.isFinite(v) ? Math.abs(v) : 0)).sort();
  const total = magnitudes.reduce((s, v) => s + v, 0);
  if (!(total > 0)) return 0;
  let sum = 0;
  for (const v of magnitudes) {
    sum += v;
    if (sum >= (1 - outlierFraction) * total) return v;
  }
  return magnitudes[magnitudes.length - 1]!;
}

function minOf(values: ArrayLike<number>): number {
  let min = Infinity;
  for (let i = 0; i < values.length; i++) if (values[i]! < min) min = values[i]!;
  return Number.isFinite(min) ? min : 0;
}

/**
 * The heatmap blended over the image the user gave (any size: the heatmap is resized to it). Pass
 * the heatmap when it is made anyway (the engine sends both), so that it is coloured once.
 */
export function saliencyOverlay(image: RawImage, result: AttributionResult, options: SaliencyRenderOptions = {}, heatmap = saliencyHeatmap(result, options)): RawImage {
  return overlayHeatmap(magnifyNearest(image, options.minSize ?? 256), heatmap, options.opacity ?? 0.5);
}

function pickColormap(result: AttributionResult, requested?: ColormapName): ColormapName {
  if (requested) return requested;
  return result.signedMap ? 'coolwarm' : 'inferno';
}
