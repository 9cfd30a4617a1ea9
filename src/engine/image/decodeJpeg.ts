import { decode } from 'jpeg-js';
import type { RawImage } from './rawImage';

/**
 * JPEG → RGB with jpeg-js (grey and CMYK are converted by jpeg-js). Its own resolution and memory
 * caps are set from our pixel limit, so a header that lies about its size cannot exhaust memory.
 * EXIF orientation is not applied: the pixels are used as stored.
 */
export function decodeJpeg(buf: Buffer, maxPixels: number): RawImage {
  const img = decode(buf, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: maxPixels / 1e6,
    // jpeg-js holds per-component planes plus the output; ~16 bytes a pixel is ample headroom.
    maxMemoryUsageInMB: Math.max(64, Math.ceil((maxPixels * 16) / 2 ** 20)),
  });
  if (img.data.length !== img.width * img.height * 3) throw new Error('decoder returned an unexpected buffer size');
  return { width: img.width, height: img.height, channels: 3, data: img.data };
}
