import { decode } from 'jpeg-js';
import { jpegDecoderBytes, minJpegBytes, readJpegFrame } from './jpegHeader';
import type { RawImage } from './rawImage';

/**
 * What jpeg-js may allocate by its own count. Its real heap use is about 1.7 times that, so a
 * decode stays near 300 MB, whatever the file claims; this admits a 12-megapixel 4:2:0 photo
 * (phone cameras) or about 8.5 megapixels at 4:4:4.
 */
export const JPEG_DECODER_BUDGET_BYTES = 180 * 2 ** 20;

/** A JPEG that is well-formed but needs more memory than the decoder is allowed. */
export class JpegTooLargeError extends Error {}

/**
 * JPEG → RGB with jpeg-js (grey and CMYK are converted by jpeg-js). Before decoding, the size
 * the frame header claims is checked against the file's length and the memory it implies, and jpeg-js' own caps stay set as a second line, so a header
 * that lies about its size cannot exhaust memory. EXIF orientation is not applied: the pixels
 * are used as stored.
 */
export function decodeJpeg(buf: Buffer, maxPixels: number): RawImage {
  const frame = readJpegFrame(buf, (what) => {
    throw new Error(what);
  });
  const least = minJpegBytes(frame);
  if (buf.length < least) throw new Error(`the header claims ${frame.width}x${frame.height} pixels, which take at least ${least} bytes, but the file has ${buf.length}; it is truncated or its header is wrong`);
  const need = jpegDecoderBytes(frame);
  if (need > JPEG_DECODER_BUDGET_BYTES) {
    const mb = (n: number) => Math.ceil(n / 2 ** 20);
    throw new JpegTooLargeError(`a ${frame.width}x${frame.height} JPEG needs about ${mb(need)} MB to decode, above the decoder's budget of ${mb(JPEG_DECODER_BUDGET_BYTES)} MB; scale it down (for example to 3000x2000)`);
  }
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
    maxMemoryUsageInMB: JPEG_DECODER_BUDGET_BYTES / 2 ** 20,
  });
}

/** A complete JPEG ends with the EOI marker FF D9 (some writers pad with zeros after it). */
function endsWithEoi(buf: Buffer): boolean {
  let end = buf.length;
  while (end > 2 && buf[end - 1] === 0) end--;
  return buf[end - 2] === 0xff && buf[end - 1] === 0xd9;
}
