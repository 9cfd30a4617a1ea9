import { decode } from 'jpeg-js';
import type { RawImage } from './rawImage';

/**
 * JPEG → RGB with jpeg-js (grey and CMYK are converted by jpeg-js). Its own resolution and memory
 * caps are set from our pixel limit, so a header that lies about its size cannot exhaust memory.
 * EXIF orientation is not applied: the pixels are used as stored.
 */
export function decodeJpeg(buf: Buffer, maxPixels: number): RawImage {
  let img: ReturnType<typeof decodeWithLimits>;
  try {
    img = decodeWithLimits(buf, maxPixels);
  } catch (e) {
    // jpeg-js reports a cut file as an unknown marker; the missing end-of-image marker says what happened.
    if (!endsWithEoi(buf)) throw new Error(`the file ends early; it is truncated (${(e as Error).message})`);
    throw e;
  }
  if (img.data.length !== img.width * img.height * 3) throw new Error('decoder returned an unexpected buffer size');
  return { width: img.width, height: img.height, channels: 3, data: img.data };
}

function decodeWithLimits(buf: Buffer, maxPixels: number): { width: number; height: number; data: Uint8Array } {
  return decode(buf, {
    useTArray: true,
    formatAsRGBA: false,
    maxResolutionInMP: maxPixels / 1e6,
    // jpeg-js holds per-component planes plus the output; ~16 bytes a pixel is ample headroom.
    maxMemoryUsageInMB: Math.max(64, Math.ceil((maxPixels * 16) / 2 ** 20)),
  });
}

/** A complete JPEG ends with the EOI marker FF D9 (some writers pad with zeros after it). */
function endsWithEoi(buf: Buffer): boolean {
  let end = buf.length;
  while (end > 2 && buf[end - 1] === 0) end--;
  return buf[end - 2] === 0xff && buf[end - 1] === 0xd9;
}
