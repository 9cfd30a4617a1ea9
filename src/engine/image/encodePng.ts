import { PNG, type ColorType } from 'pngjs';
import { type RawImage, assertImage } from './rawImage';

// PNG colour types for our channel counts: grey (0), RGB (2), RGBA (6).
const COLOUR_TYPE: Record<RawImage['channels'], ColorType> = { 1: 0, 3: 2, 4: 6 };

/** Encodes an 8-bit grey, RGB or RGBA image as PNG, keeping its channel count. */
export function encodePng(img: RawImage): Buffer {
  assertImage(img);
  const colorType = COLOUR_TYPE[img.channels];
  // pngjs only reads width, height and data from the object; with matching input and output
  // colour types it writes our bytes unchanged (no RGBA expansion).
  const source = {
    width: img.width,
    height: img.height,
    data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength),
  } as unknown as PNG;
  return PNG.sync.write(source, { colorType, inputColorType: colorType, inputHasAlpha: img.channels === 4, bitDepth: 8 });
}
