import type { RawImage } from './rawImage';

/** A BMP problem that the caller reports as "corrupt BMP data (…)". */
export class BmpFormatError extends Error {}

/** A valid BMP variant that we do not decode (RLE, embedded JPEG/PNG). */
export class BmpUnsupportedError extends Error {}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

interface Channel {
  shift: number;
  max: number; // largest value the mask can hold, for scaling to 0..255
}

/**
 * Decodes uncompressed BMPs: 1/4/8-bit palette, 16/24/32-bit direct colour (with or without
 * BITFIELDS masks), bottom-up or top-down rows. Alpha, if any, is ignored.
 */
export function decodeBmp(buf: Buffer): RawImage {
  const bad = (what: string): never => {
    throw new BmpFormatError(what);
  };
  const pixelOffset = buf.readUInt32LE(10);
  const dibSize = buf.readUInt32LE(14);
  const core = dibSize === 12; // OS/2 BITMAPCOREHEADER: 16-bit sizes, 3-byte palette entries
  const width = core ? buf.readUInt16LE(18) : buf.readInt32LE(18);
  const rawHeight = core ? buf.readUInt16LE(20) : buf.readInt32LE(22);
  const bpp = core ? buf.readUInt16LE(24) : buf.readUInt16LE(28);
  const compression = core ? BI_RGB : buf.readUInt32LE(30);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);

  if (compression === 1 || compression === 2) throw new BmpUnsupportedError('RLE-compressed BMP is not supported; save it uncompressed');
  if (compression === 4 || compression === 5) throw new BmpUnsupportedError('BMP with embedded JPEG/PNG data is not supported');
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) bad(`unknown compression ${compression}`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) bad(`unsupported bit depth ${bpp}`);
  if (compression !== BI_RGB && bpp !== 16 && bpp !== 32) bad(`bit masks with ${bpp}-bit pixels`);

  // Rows are padded to a multiple of 4 bytes.
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const need = pixelOffset + stride * height;
  if (need > buf.length) bad(`truncated: pixels need ${need} bytes, file has ${buf.length}`);

  const out = new Uint8Array(width * height * 3);
  const palette = bpp <= 8 ? readPalette(buf, dibSize, core, bpp, bad) : undefined;
  const masks = bpp === 16 || bpp === 32 ? readMasks(buf, compression, bpp, bad) : undefined;

  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const perByte = 8 / bpp;
        const byte = buf[row + Math.floor(x / perByte)]!;
        // Leftmost pixel is in the most significant bits.
        const index = (byte >> ((perByte - 1 - (x % perByte)) * bpp)) & ((1 << bpp) - 1);
        if (index * 3 + 2 >= palette.length) bad(`palette index ${index} out of range`);
        out[o] = palette[index * 3]!;
        out[o + 1] = palette[index * 3 + 1]!;
        out[o + 2] = palette[index * 3 + 2]!;
      } else if (masks) {
        const px = bpp === 16 ? buf.readUInt16LE(row + x * 2) : buf.readUInt32LE(row + x * 4);
        for (let c = 0; c < 3; c++) {
          const m = masks[c]!;
          out[o + c] = m.max === 0 ? 0 : Math.round((((px >>> m.shift) & m.max) * 255) / m.max);
        }
      } else {
        const p = row + x * 3; // 24-bit: B, G, R
        out[o] = buf[p + 2]!;
        out[o + 1] = buf[p + 1]!;
        out[o + 2] = buf[p]!;
      }
    }
  }
  return { width, height, channels: 3, data: out };
}

/** Palette as RGB triplets; entries are BGR (core header) or BGRx (all others). */
function readPalette(buf: Buffer, dibSize: number, core: boolean, bpp: number, bad: (w: string) => never): Uint8Array {
  const entrySize = core ? 3 : 4;
  const used = core ? 0 : buf.readUInt32LE(46);
  const count = used > 0 ? Math.min(used, 1 << bpp) : 1 << bpp;
  const start = 14 + dibSize;
  if (start + count * entrySize > buf.length) bad('palette truncated');
  const rgb = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    const p = start + i * entrySize;
    rgb[i * 3] = buf[p + 2]!;
    rgb[i * 3 + 1] = buf[p + 1]!;
    rgb[i * 3 + 2] = buf[p]!;
  }
  return rgb;
}

/** R, G, B masks: from the header (v2+ headers, or right after a 40-byte one), or the defaults. */
function readMasks(buf: Buffer, compression: number, bpp: number, bad: (w: string) => never): Channel[] {
  let masks: number[];
  if (compression === BI_RGB) {
    masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f] : [0xff0000, 0x00ff00, 0x0000ff];
  } else {
    // Masks sit at offset 54 either inside a v2+ header or just after a 40-byte header.
    if (54 + 12 > buf.length) bad('bit masks truncated');
    masks = [buf.readUInt32LE(54), buf.readUInt32LE(58), buf.readUInt32LE(62)];
  }
  return masks.map((mask) => {
    if (mask === 0) return { shift: 0, max: 0 };
    let shift = 0;
    while (((mask >>> shift) & 1) === 0) shift++;
    const max = mask >>> shift;
    if ((max & (max + 1)) !== 0) bad(`non-contiguous bit mask 0x${mask.toString(16)}`);
    return { shift, max };
  });
}
