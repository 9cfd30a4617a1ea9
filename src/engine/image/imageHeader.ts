import { UserError } from '../errors';
import { readJpegFrame, unsupportedJpeg } from './jpegHeader';

export type ImageFormat = 'png' | 'jpeg' | 'bmp';

/** How each format is named in messages. */
export const FORMAT_LABEL: Record<ImageFormat, string> = { png: 'PNG', jpeg: 'JPEG', bmp: 'BMP' };

/** Formats we recognise only to say clearly that they are not supported. */
const UNSUPPORTED: { name: string; test: (b: Buffer) => boolean }[] = [
  { name: 'WebP', test: (b) => b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
  { name: 'GIF', test: (b) => b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6)) },
  { name: 'TIFF', test: (b) => b.length >= 4 && ['II*\0', 'MM\0*'].includes(b.toString('latin1', 0, 4)) },
];

// DIB header sizes that exist (core, info, v2, v3, OS/2 v2, v4, v5); checking this as well as
// "BM" keeps a text file that happens to start with "BM" from being called a corrupt BMP.
const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/**
 * Identifies the format from magic bytes, never from the extension (files get renamed).
 * Throws a UserError for files that are not a supported image.
 */
export function sniffFormat(buf: Buffer, name: string): ImageFormat {
  if (buf.length >= 8 && buf.readUInt32BE(0) === 0x89504e47 && buf.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  if (buf.length >= 18 && buf[0] === 0x42 && buf[1] === 0x4d && BMP_HEADER_SIZES.has(buf.readUInt32LE(14))) return 'bmp';
  const other = UNSUPPORTED.find((f) => f.test(buf));
  if (other) throw new UserError(`${name}: ${other.name} is not supported yet (use PNG, JPEG or BMP)`);
  if (buf.length === 0) throw new UserError(`${name}: empty file, not a PNG, JPEG or BMP image`);
  throw new UserError(`${name}: not a PNG, JPEG or BMP image`);
}

/** Width and height from the header alone, so oversized images are refused before any decoding. */
export function readImageSize(buf: Buffer, format: ImageFormat, name: string): { width: number; height: number } {
  const corrupt = (what: string): never => {
    throw new UserError(`${name}: corrupt ${FORMAT_LABEL[format]} data (${what})`);
  };
  let size: { width: number; height: number };
  if (format === 'png') {
    if (buf.length < 24) corrupt('the file ends inside the header; it is truncated');
    if (buf.toString('latin1', 12, 16) !== 'IHDR') corrupt('missing IHDR header');
    size = { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  } else if (format === 'bmp') {
    size = bmpSize(buf, corrupt);
  } else {
    size = jpegSize(buf, name, corrupt);
  }
  if (size.width < 1 || size.height < 1) corrupt(`header gives size ${size.width}x${size.height}`);
  return size;
}

function bmpSize(buf: Buffer, corrupt: (w: string) => never): { width: number; height: number } {
  const dibSize = buf.readUInt32LE(14);
  if (dibSize === 12) {
    if (buf.length < 26) corrupt('header truncated');
    return { width: buf.readUInt16LE(18), height: buf.readUInt16LE(20) };
  }
  if (buf.length < 14 + 40) corrupt('header truncated');
  // A negative height means rows are stored top-down; the size is the absolute value.
  return { width: buf.readInt32LE(18), height: Math.abs(buf.readInt32LE(22)) };
}

/** Size from the frame header; refuses variants jpeg-js cannot decode. */
function jpegSize(buf: Buffer, name: string, corrupt: (w: string) => never): { width: number; height: number } {
  const frame = readJpegFrame(buf, corrupt);
  const unsupported = unsupportedJpeg(frame);
  if (unsupported) throw new UserError(`${name}: ${unsupported}`);
  return frame;
}
