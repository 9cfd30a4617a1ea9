import type { ArrayND } from '../methods/types';
import { applyColormap, type ColormapName } from './colormap';
import { tileGrid } from './grid';
import type { RawImage } from '../image/rawImage';

/**
 * One tile per channel of a [1, H, W, C] activation, each stretched to its own min..max (channels
 * differ in scale by orders of magnitude), magnified so small maps stay visible.
 */
export function renderActivationGrid(activation: ArrayND, colormap: ColormapName = 'viridis', maxChannels = 256): RawImage {
  if (activation.shape.length !== 4) throw new Error(`activation grid needs a [1, H, W, C] tensor, got [${activation.shape.join(', ')}]`);
  const [, H, W, C] = activation.shape as [number, number, number, number];
  const tiles: RawImage[] = [];
  for (let c = 0; c < Math.min(C, maxChannels); c++) {
    const values = new Float32Array(H * W);
    for (let p = 0; p < H * W; p++) values[p] = activation.data[p * C + c]!;
    tiles.push(applyColormap(values, W, H, colormap));
  }
  return tileGrid(tiles, { padding: 2, scale: Math.max(1, Math.floor(64 / Math.max(H, W))), background: 40 });
}
