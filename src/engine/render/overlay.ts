import { UserError } from '../errors';
import { toRgb } from '../image/channels';
import type { RawImage } from '../image/rawImage';
import { resizeBilinear } from '../image/resize';

/**
 * Blends a colour-mapped heatmap over an image: out = base·(1-opacity) + heat·opacity.
 * The heatmap is resized (bilinear) to the base size when it differs, e.g. a 7x7 Grad-CAM map over
 * a 224x224 photo; a grey base is expanded to RGB. Alpha channels are dropped. Returns RGB.
 */
export function overlayHeatmap(base: RawImage, heat: RawImage, opacity: number): RawImage {
  if (!(opacity >= 0 && opacity <= 1)) throw new UserError(`overlay opacity must be between 0 and 1 (got ${opacity})`);
  const b = toRgb(base);
  const h = toRgb(resizeBilinear(heat, b.width, b.height));
  const out = new Uint8Array(b.data.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.round(b.data[i]! * (1 - opacity) + h.data[i]! * opacity);
  }
  return { width: b.width, height: b.height, channels: 3, data: out };
}
