import type { RawImage } from '../image/rawImage';

/**
 * Nearest-neighbour enlargement by a whole factor so the longer side reaches at least `minSize`:
 * a 28×28 digit or a 3×3 map stays crisp instead of blurring. Larger images are returned as is.
 */
export function magnifyNearest(img: RawImage, minSize: number): RawImage {
  const k = Math.max(1, Math.floor(minSize / Math.max(img.width, img.height)));
  if (k === 1) return img;
  const { width, height, channels } = img;
  const data = new Uint8Array(width * k * height * k * channels);
  for (let y = 0; y < height * k; y++) {
    const src = Math.floor(y / k) * width;
    for (let x = 0; x < width * k; x++) {
      const from = (src + Math.floor(x / k)) * channels;
      data.set(img.data.subarray(from, from + channels), (y * width * k + x) * channels);
    }
  }
  return { width: width * k, height: height * k, channels, data };
}
