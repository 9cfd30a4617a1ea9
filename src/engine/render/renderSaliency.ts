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

/** The map alone, coloured, at its own resolution (the input size for every method). */
export function saliencyHeatmap(result: AttributionResult, options: SaliencyRenderOptions = {}): RawImage {
  const [height, width] = result.map.shape as [number, number];
  return applyColormap(result.map.data, width, height, pickColormap(result, options.colormap));
}

/** The heatmap blended over the image the user gave (any size: the heatmap is resized to it). */
export function saliencyOverlay(image: RawImage, result: AttributionResult, options: SaliencyRenderOptions = {}): RawImage {
  return overlayHeatmap(magnifyNearest(image, options.minSize ?? 256), saliencyHeatmap(result, options), options.opacity ?? 0.5);
}

function pickColormap(result: AttributionResult, requested?: ColormapName): ColormapName {
  if (requested) return requested;
  return result.signedMap ? 'coolwarm' : 'inferno';
}
