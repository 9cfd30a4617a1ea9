/** What the frame header (SOFn) of a JPEG says, read before any decoding. */
export interface JpegFrame {
  width: number;
  height: number;
  /** SOF marker byte: C0 baseline, C1 extended, C2 progressive (the ones jpeg-js decodes). */
  marker: number;
  /** Sampling factors of each component. */
  components: { h: number; v: number }[];
}

const SOF_NAMES: Record<number, string> = { 0xc3: 'lossless', 0xc5: 'hierarchical', 0xc6: 'hierarchical', 0xc7: 'hierarchical' };

/** Walks the marker segments up to the first start-of-frame (SOFn) and reads it. */
export function readJpegFrame(buf: Buffer, corrupt: (what: string) => never): JpegFrame {
  let i = 2;
  while (i + 3 < buf.length) {
    if (buf[i] !== 0xff) corrupt(`expected a marker at byte ${i}`);
    const marker = buf[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Markers without a length field: TEM and RST0..7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC) which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 10 > buf.length) break;
      const count = buf[i + 9]!;
      if (i + 10 + 3 * count > buf.length) break;
      const components = Array.from({ length: count }, (_, c) => ({ h: buf[i + 11 + 3 * c]! >> 4, v: buf[i + 11 + 3 * c]! & 15 }));
      return { width: buf.readUInt16BE(i + 7), height: buf.readUInt16BE(i + 5), marker, components };
    }
    if (marker === 0xda || marker === 0xd9) corrupt('no frame header before the image data');
    i += 2 + buf.readUInt16BE(i + 2);
  }
  return corrupt('no frame header found; the file is truncated');
}

/** Why jpeg-js cannot decode this frame, or undefined when it can. */
export function unsupportedJpeg(frame: JpegFrame): string | undefined {
  if (frame.marker > 0xc8) return 'arithmetic-coded JPEG is not supported (re-save it as a baseline or progressive JPEG)';
  if (frame.marker > 0xc2) return `${SOF_NAMES[frame.marker] ?? 'this kind of'} JPEG is not supported (re-save it as a baseline or progressive JPEG)`;
  const bad = frame.components.length === 0 || frame.components.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4);
  return bad ? 'frame header has invalid components or sampling factors' : undefined;
}

/**
 * Fewest bytes a Huffman-coded JPEG of this size can have: every 8×8 block of a full-resolution
 * component costs at least one bit (its DC code; a progressive DC scan codes nothing less). A
 * few hundred bytes that claim 6000×6000 pixels are a lie, found without decoding.
 */
export function minJpegBytes(frame: JpegFrame): number {
  return Math.ceil((Math.ceil(frame.width / 8) * Math.ceil(frame.height / 8)) / 8);
}

/**
 * Bytes jpeg-js will allocate for this frame (its own accounting: an Int32Array(64) per block of
 * each component, padded to whole MCUs; a sample plane per component; the interleaved samples;
 * the RGB output). Its real heap use is about 1.7 times this (per-object overhead).
 */
export function jpegDecoderBytes(frame: JpegFrame): number {
  const maxH = Math.max(...frame.components.map((c) => c.h));
  const maxV = Math.max(...frame.components.map((c) => c.v));
  const mcusPerLine = Math.ceil(frame.width / 8 / maxH);
  const mcusPerColumn = Math.ceil(frame.height / 8 / maxV);
  let bytes = frame.width * frame.height * (frame.components.length + 3);
  for (const c of frame.components) {
    bytes += mcusPerLine * c.h * mcusPerColumn * c.v * 256;
    bytes += Math.ceil((Math.ceil(frame.width / 8) * c.h) / maxH) * Math.ceil((Math.ceil(frame.height / 8) * c.v) / maxV) * 64;
  }
  return bytes;
}
