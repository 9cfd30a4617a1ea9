import { PNG } from 'pngjs';
import type { RawImage } from './rawImage';

/**
 * PNG → RGB with pngjs. pngjs normalises every variant (grey, palette, 1..16-bit, alpha) to 8-bit
 * RGBA, scaling 16-bit samples with rounding; we then drop alpha. Throws pngjs's own Error on
 * corrupt data: the caller adds the file name.
 */
export function decodePng(buf: Buffer): RawImage {
  let png: PNG;
  try {
    png = PNG.sync.read(withoutColourKey(buf));
  } catch (e) {
    // pngjs reports running out of bytes in stream terms; say what it means.
    if (/read requests waitng|finished stream/i.test((e as Error).message)) throw new Error('the file ends early; it is truncated');
    throw e;
  }
  const { width, height } = png;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const src = png.data;
  if (src.length < n * 4) throw new Error('pixel data shorter than the header says');
  for (let i = 0; i < n; i++) {
    out[i * 3] = src[i * 4]!;
    out[i * 3 + 1] = src[i * 4 + 1]!;
    out[i * 3 + 2] = src[i * 4 + 2]!;
  }
  return { width, height, channels: 3, data: out };
}

/**
 * For grey and RGB PNGs, a tRNS chunk names one colour as transparent, and pngjs then zeroes that
 * colour's RGB as well as its alpha. Since we drop alpha anyway, remove the chunk so such pixels
 * keep their real colour. Palette PNGs (type 3) keep tRNS: there it only carries alpha.
 */
function withoutColourKey(buf: Buffer): Buffer {
  if (buf.length < 26) return buf;
  const colourType = buf[25];
  if (colourType !== 0 && colourType !== 2) return buf;
  let i = 8;
  while (i + 8 <= buf.length) {
    const length = buf.readUInt32BE(i);
    const end = i + 12 + length;
    if (end > buf.length) return buf; // truncated: let pngjs report it
    if (buf.toString('latin1', i + 4, i + 8) === 'tRNS') return Buffer.concat([buf.subarray(0, i), buf.subarray(end)]);
    i = end;
  }
  return buf;
}
