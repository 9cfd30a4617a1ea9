/**
 * An 8-bit image in memory: row-major, channels interleaved (grey, RGB or RGBA).
 * Every function in image/ takes and returns this shape, so decoders, colormaps and overlays
 * compose without knowing about each other.
 */
export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

/** A zero-filled image; throws on sizes that cannot be an image (a bug in the caller, not user input). */
export function createImage(width: number, height: number, channels: 1 | 3 | 4): RawImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`createImage: invalid size ${width}x${height}`);
  }
  return { width, height, channels, data: new Uint8Array(width * height * channels) };
}

/** Throws if `data` does not hold exactly width*height*channels bytes; guards hand-built images. */
export function assertImage(img: RawImage, what = 'image'): void {
  const expected = img.width * img.height * img.channels;
  if (img.data.length !== expected) {
    throw new Error(`${what}: ${img.width}x${img.height}x${img.channels} needs ${expected} bytes, has ${img.data.length}`);
  }
}
