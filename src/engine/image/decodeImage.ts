import { readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors';
import { BmpUnsupportedError, decodeBmp } from './decodeBmp';
import { decodeJpeg, JpegTooLargeError } from './decodeJpeg';
import { decodePng } from './decodePng';
import { FORMAT_LABEL, readImageSize, sniffFormat } from './imageHeader';
import type { RawImage } from './rawImage';

export interface DecodeOptions {
  /** Refuse images with more pixels than this (default 40 megapixels), checked from the header. */
  maxPixels?: number;
}

export const DEFAULT_MAX_PIXELS = 40_000_000;

/** Reads and decodes an image file to RGB. Every user-caused failure is a one-line UserError naming the file. */
export function decodeImageFile(file: string, opts: DecodeOptions = {}): RawImage {
  let buf: Buffer;
  try {
    if (statSync(file).isDirectory()) throw new UserError(`${file}: is a directory, not an image file`);
    buf = readFileSync(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${file}: file not found`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${file}: permission denied`);
    throw new UserError(`${file}: cannot read (${(e as Error).message})`);
  }
  return decodeImageBuffer(buf, file, opts);
}

/** Decodes PNG, JPEG or BMP bytes to RGB; `name` is used in error messages. */
export function decodeImageBuffer(buf: Buffer, name: string, opts: DecodeOptions = {}): RawImage {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const format = sniffFormat(buf, name);
  const { width, height } = readImageSize(buf, format, name);
  if (width * height > maxPixels) {
    const mp = (n: number) => `${+(n / 1e6).toFixed(1)} megapixels`;
    throw new UserError(`${name}: image is ${width}x${height} (${mp(width * height)}), above the limit of ${mp(maxPixels)}`);
  }
  try {
    if (format === 'png') return decodePng(buf);
    if (format === 'jpeg') return decodeJpeg(buf, maxPixels);
    return decodeBmp(buf);
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof BmpUnsupportedError || e instanceof JpegTooLargeError) throw new UserError(`${name}: ${e.message}`);
    // Decoder messages can span lines; keep ours to one.
    const detail = String((e as Error)?.message ?? e).split('\n')[0];
    if (/maxMemoryUsageInMB|maxResolutionInMP/.test(detail)) throw new UserError(`${name}: too large to decode (${detail})`);
    throw new UserError(`${name}: corrupt ${FORMAT_LABEL[format]} data (${detail})`);
  }
}
