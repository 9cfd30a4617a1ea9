import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/engine/errors';
import { decodeImageBuffer, decodeImageFile } from '../../src/engine/image/decodeImage';
import { encodePng } from '../../src/engine/image/encodePng';
import type { RawImage } from '../../src/engine/image/rawImage';

// ---- tiny hand-built files, so each test states exactly which bytes it feeds the decoder ----

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const byte of b) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function ihdr(width: number, height: number, depth: number, colourType: number): Buffer {
  const h = Buffer.alloc(13);
  h.writeUInt32BE(width, 0);
  h.writeUInt32BE(height, 4);
  h[8] = depth;
  h[9] = colourType;
  return h; // compression, filter, interlace = 0
}
const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** A PNG from already packed rows (filter type 0 is prepended to each row). */
function buildPng(width: number, height: number, depth: number, colourType: number, rows: number[][], extra: Buffer[] = []): Buffer {
  const raw = Buffer.concat(rows.map((r) => Buffer.from([0, ...r])));
  return Buffer.concat([PNG_SIG, chunk('IHDR', ihdr(width, height, depth, colourType)), ...extra, chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A BMP with a 40-byte info header; `rows` are the stored rows in file order, already padded. */
function buildBmp(width: number, height: number, bpp: number, rows: number[][], opts: { palette?: number[][]; compression?: number; masks?: number[] } = {}): Buffer {
  const palette = Buffer.from((opts.palette ?? []).flatMap(([r, g, b]) => [b!, g!, r!, 0]));
  const masks = Buffer.alloc(opts.masks ? 12 : 0);
  opts.masks?.forEach((m, i) => masks.writeUInt32LE(m, i * 4));
  const pixels = Buffer.from(rows.flat());
  const offset = 14 + 40 + masks.length + palette.length;
  const h = Buffer.alloc(54);
  h.write('BM', 0, 'latin1');
  h.writeUInt32LE(offset + pixels.length, 2);
  h.writeUInt32LE(offset, 10);
  h.writeUInt32LE(40, 14);
  h.writeInt32LE(width, 18);
  h.writeInt32LE(height, 22);
  h.writeUInt16LE(1, 26);
  h.writeUInt16LE(bpp, 28);
  h.writeUInt32LE(opts.compression ?? 0, 30);
  h.writeUInt32LE(pixels.length, 34);
  h.writeUInt32LE(opts.palette?.length ?? 0, 46);
  return Buffer.concat([h, masks, palette, pixels]);
}

const rgb = (w: number, h: number, px: number[]): RawImage => ({ width: w, height: h, channels: 3, data: Uint8Array.from(px) });
const decode = (buf: Buffer, opts?: { maxPixels?: number }) => decodeImageBuffer(buf, 'test.img', opts);

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).not.toContain('\n');
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

describe('PNG decoding', () => {
  it('round-trips grey, RGB and RGBA through encodePng, always giving RGB', () => {
    const grey: RawImage = { width: 3, height: 2, channels: 1, data: Uint8Array.from([0, 1, 127, 128, 254, 255]) };
    expect(decode(encodePng(grey))).toEqual(rgb(3, 2, [0, 0, 0, 1, 1, 1, 127, 127, 127, 128, 128, 128, 254, 254, 254, 255, 255, 255]));

    const colour = rgb(2, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    expect(decode(encodePng(colour))).toEqual(colour);

    // Alpha is dropped, not composited: a fully transparent pixel keeps its stored colour.
    const rgba: RawImage = { width: 2, height: 1, channels: 4, data: Uint8Array.from([200, 100, 50, 0, 1, 2, 3, 128]) };
    expect(decode(encodePng(rgba))).toEqual(rgb(2, 1, [200, 100, 50, 1, 2, 3]));
  });

  it('decodes palette PNGs, including a tRNS alpha table', () => {
    const plte = chunk('PLTE', Buffer.from([255, 0, 0, 0, 128, 0, 9, 8, 7]));
    const trns = chunk('tRNS', Buffer.from([0, 255]));
    // 2-bit indices: 3 pixels 0,1,2 → 00 01 10 xx = 0b00011000
    const png = buildPng(3, 1, 2, 3, [[0b00011000]], [plte, trns]);
    expect(decode(png)).toEqual(rgb(3, 1, [255, 0, 0, 0, 128, 0, 9, 8, 7]));
  });

  it('scales 16-bit and low-bit-depth grey to 8 bits', () => {
    // 16-bit grey: 0, 65535, 32896 (= 128·257) → 0, 255, 128
    expect(decode(buildPng(3, 1, 16, 0, [[0, 0, 255, 255, 128, 128]]))).toEqual(rgb(3, 1, [0, 0, 0, 255, 255, 255, 128, 128, 128]));
    // 16-bit RGB
    expect(decode(buildPng(1, 1, 16, 2, [[255, 255, 0, 0, 0x80, 0x80]]))).toEqual(rgb(1, 1, [255, 0, 128]));
    // 1-bit grey: 1,0,1,1 → 255,0,255,255
    expect(decode(buildPng(4, 1, 1, 0, [[0b10110000]]))).toEqual(rgb(4, 1, [255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255]));
    // 16-bit grey + alpha: alpha dropped
    expect(decode(buildPng(1, 1, 16, 4, [[0x40, 0x40, 0, 0]]))).toEqual(rgb(1, 1, [64, 64, 64]));
  });

  it('keeps the real colour of an RGB tRNS colour key (pngjs alone would blacken it)', () => {
    const trns = chunk('tRNS', Buffer.from([0, 10, 0, 20, 0, 30]));
    expect(decode(buildPng(2, 1, 8, 2, [[10, 20, 30, 1, 2, 3]], [trns]))).toEqual(rgb(2, 1, [10, 20, 30, 1, 2, 3]));
  });

  it('decodes the reference inputs to exactly their stored pixels', () => {
    for (const name of ['gradient_square', 'radial_bar']) {
      const dir = `/work/shared/reference/model_a/${name}`;
      const ref = JSON.parse(readFileSync(`${dir}/input.json`, 'utf8'));
      const img = decodeImageFile(`${dir}/input.png`);
      expect([img.height, img.width, img.channels]).toEqual(ref.pixels_uint8.shape);
      expect(Array.from(img.data)).toEqual(ref.pixels_uint8.data);
    }
  });
});

describe('JPEG decoding', () => {
  const w = 40;
  const h = 24;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) rgba.set([x * 6, y * 10, 200 - x * 2, 255], (y * w + x) * 4);
  }
  const jpeg = encodeJpeg({ width: w, height: h, data: rgba }, 95).data;

  it('decodes a smooth gradient to RGB within JPEG error', () => {
    const img = decode(jpeg);
    expect([img.width, img.height, img.channels]).toEqual([w, h, 3]);
    let maxErr = 0;
    let sumErr = 0;
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) {
        const err = Math.abs(img.data[i * 3 + c]! - rgba[i * 4 + c]!);
        maxErr = Math.max(maxErr, err);
        sumErr += err;
      }
    }
    expect(sumErr / (w * h * 3)).toBeLessThan(2);
    expect(maxErr).toBeLessThan(12);
  });

  it('refuses a truncated JPEG as corrupt', () => {
    for (const cut of [0.3, 0.7, 0.98]) {
      expect(userError(() => decode(jpeg.subarray(0, Math.floor(jpeg.length * cut)))).message).toMatch(/^test\.img: corrupt JPEG data \(the file ends early; it is truncated/);
    }
  });

  it('refuses an oversized JPEG from its frame header', () => {
    const big = Buffer.from(jpeg);
    const sof = big.indexOf(Buffer.from([0xff, 0xc0]));
    big.writeUInt16BE(20000, sof + 5); // height
    big.writeUInt16BE(30000, sof + 7); // width
    expect(userError(() => decode(big)).message).toBe('test.img: image is 30000x20000 (600 megapixels), above the limit of 40 megapixels');
  });
});

describe('BMP decoding', () => {
  it('decodes a 24-bit 2x2 bottom-up BMP with BGR order and row padding', () => {
    // Top row: red, green. Bottom row: blue, white. Stored bottom row first, B,G,R, padded to 8 bytes.
    const bmp = buildBmp(2, 2, 24, [
      [255, 0, 0, 255, 255, 255, 0, 0],
      [0, 0, 255, 0, 255, 0, 0, 0],
    ]);
    expect(decode(bmp)).toEqual(rgb(2, 2, [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]));
  });

  it('decodes a top-down 32-bit BMP (negative height), ignoring the fourth byte', () => {
    const bmp = buildBmp(1, -2, 32, [[3, 2, 1, 0], [30, 20, 10, 99]]);
    expect(decode(bmp)).toEqual(rgb(1, 2, [1, 2, 3, 10, 20, 30]));
  });

  it('decodes an 8-bit palette BMP with 3-pixel rows padded to 4 bytes', () => {
    const palette = [[0, 0, 0], [255, 128, 0], [10, 20, 30]];
    const bmp = buildBmp(3, 2, 8, [[2, 2, 2, 0], [0, 1, 2, 0]], { palette });
    expect(decode(bmp)).toEqual(rgb(3, 2, [0, 0, 0, 255, 128, 0, 10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30]));
  });

  it('decodes 16-bit 5-6-5 BITFIELDS pixels', () => {
    const px = (0x1f << 11) | (0x20 << 5) | 0x00; // full red, about half green, no blue
    const bmp = buildBmp(1, 1, 16, [[px & 0xff, px >> 8, 0, 0]], { compression: 3, masks: [0xf800, 0x07e0, 0x001f] });
    expect(decode(bmp)).toEqual(rgb(1, 1, [255, 130, 0]));
  });

  it('reports truncated and RLE-compressed BMPs clearly', () => {
    const bmp = buildBmp(2, 2, 24, [[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]]);
    expect(userError(() => decode(bmp.subarray(0, bmp.length - 3))).message).toMatch(/^test\.img: corrupt BMP data \(truncated/);
    const rle = buildBmp(2, 2, 8, [[0, 0]], { compression: 1, palette: [[0, 0, 0]] });
    expect(userError(() => decode(rle)).message).toBe('test.img: RLE-compressed BMP is not supported; save it uncompressed');
  });
});

describe('decode errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'convscope-image-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing file', () => {
    const f = path.join(dir, 'nope.png');
    expect(userError(() => decodeImageFile(f)).message).toBe(`${f}: file not found`);
  });

  it('refuses a directory', () => {
    const d = path.join(dir, 'folder.png');
    mkdirSync(d);
    expect(userError(() => decodeImageFile(d)).message).toBe(`${d}: is a directory, not an image file`);
  });

  it('sniffs content, not the extension: a text file named .png is not an image', () => {
    const f = path.join(dir, 'notes.png');
    writeFileSync(f, 'hello, I am text\n');
    expect(userError(() => decodeImageFile(f)).message).toBe(`${f}: not a PNG, JPEG or BMP image`);
    const e = path.join(dir, 'empty.jpg');
    writeFileSync(e, '');
    expect(userError(() => decodeImageFile(e)).message).toBe(`${e}: empty file, not a PNG, JPEG or BMP image`);
  });

  it('decodes a PNG whatever its extension says', () => {
    const f = path.join(dir, 'actually-png.jpg');
    writeFileSync(f, encodePng(rgb(1, 1, [1, 2, 3])));
    expect(decodeImageFile(f)).toEqual(rgb(1, 1, [1, 2, 3]));
  });

  it('says WebP is not supported yet', () => {
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(20)]);
    expect(userError(() => decode(webp)).message).toBe('test.img: WebP is not supported yet (use PNG, JPEG or BMP)');
  });

  it('reports truncated and damaged PNG data as corrupt PNG data', () => {
    const pixels = Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 256); // noisy, so IDAT is long
    const png = encodePng(rgb(64, 64, pixels));
    for (const cut of [20, 40, Math.floor(png.length / 2), png.length - 14]) {
      expect(userError(() => decode(png.subarray(0, cut))).message).toMatch(/^test\.img: corrupt PNG data \(.*truncated\)$/);
    }
    const flipped = Buffer.from(png);
    flipped[png.length / 2] ^= 0xff; // inside IDAT: CRC mismatch
    expect(userError(() => decode(flipped)).message).toMatch(/^test\.img: corrupt PNG data \(.+\)$/);
  });

  it('refuses a PNG claiming 100000x100000 from its header, without decoding', () => {
    // Only a header and an empty IDAT: decoding would fail, so reaching the size check proves it comes first.
    const png = Buffer.concat([PNG_SIG, chunk('IHDR', ihdr(100000, 100000, 8, 2)), chunk('IDAT', Buffer.alloc(0)), chunk('IEND', Buffer.alloc(0))]);
    const t0 = performance.now();
    const msg = userError(() => decode(png)).message;
    expect(performance.now() - t0).toBeLessThan(50);
    expect(msg).toBe('test.img: image is 100000x100000 (10000 megapixels), above the limit of 40 megapixels');
  });

  it('honours a custom maxPixels, for BMP too', () => {
    const bmp = buildBmp(2, 2, 24, [[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]]);
    expect(userError(() => decode(bmp, { maxPixels: 3 })).message).toMatch(/^test\.img: image is 2x2 \(.*\), above the limit of/);
    expect(decode(bmp, { maxPixels: 4 }).width).toBe(2);
  });
});
