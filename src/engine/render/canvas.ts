import { toRgb } from '../image/channels';
import { magnifyNearest } from './magnify';
import { resizeBilinear } from '../image/resize';
import type { RawImage } from '../image/rawImage';

/**
 * Drawing primitives and tile fitting shared by the figure presenters (scatter plot, neighbours,
 * patch grids). Everything works on RGB images: the figures mix colour text, coloured borders and
 * grey or colour inputs.
 */
export type Rgb = [number, number, number];

/** An RGB image filled with one colour. */
export function createCanvas(width: number, height: number, color: Rgb): RawImage {
  const w = Math.max(1, Math.round(width));
  const h = Math.max(1, Math.round(height));
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = color[0];
    data[i + 1] = color[1];
    data[i + 2] = color[2];
  }
  return { width: w, height: h, channels: 3, data };
}

/** Fills the rectangle [x, x+w) × [y, y+h), clipped to the image. */
export function fillRect(img: RawImage, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(img.width, Math.round(x + w));
  const y1 = Math.min(img.height, Math.round(y + h));
  for (let py = y0; py < y1; py++) {
    for (let px = x0; px < x1; px++) {
      const o = (py * img.width + px) * 3;
      img.data[o] = color[0];
      img.data[o + 1] = color[1];
      img.data[o + 2] = color[2];
    }
  }
}

/** A rectangle outline `thickness` pixels wide, drawn inside [x, x+w) × [y, y+h). */
export function strokeRect(img: RawImage, x: number, y: number, w: number, h: number, color: Rgb, thickness = 1): void {
  const t = Math.min(thickness, Math.ceil(w / 2), Math.ceil(h / 2));
  fillRect(img, x, y, w, t, color);
  fillRect(img, x, y + h - t, w, t, color);
  fillRect(img, x, y, t, h, color);
  fillRect(img, x + w - t, y, t, h, color);
}

/** Copies `src` (any channel count) into `dst` (RGB) with its top-left corner at (x, y), clipped. */
export function blit(dst: RawImage, src: RawImage, x: number, y: number): void {
  const rgb = toRgb(src);
  for (let sy = 0; sy < rgb.height; sy++) {
    const dy = y + sy;
    if (dy < 0 || dy >= dst.height) continue;
    const sx0 = Math.max(0, -x);
    const sx1 = Math.min(rgb.width, dst.width - x);
    if (sx1 <= sx0) continue;
    dst.data.set(rgb.data.subarray((sy * rgb.width + sx0) * 3, (sy * rgb.width + sx1) * 3), (dy * dst.width + x + sx0) * 3);
  }
}

/**
 * Area-average shrink: each output pixel is the mean of the source pixels under it. Bilinear
 * without antialiasing would skip most source pixels at 224 → 96 and show aliasing in thumbnails.
 */
export function shrinkArea(img: RawImage, width: number, height: number): RawImage {
  const c = img.channels;
  const data = new Uint8Array(width * height * c);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let oy = 0; oy < height; oy++) {
    const y0 = Math.floor(oy * sy);
    const y1 = Math.max(y0 + 1, Math.min(img.height, Math.floor((oy + 1) * sy)));
    for (let ox = 0; ox < width; ox++) {
      const x0 = Math.floor(ox * sx);
      const x1 = Math.max(x0 + 1, Math.min(img.width, Math.floor((ox + 1) * sx)));
      const n = (y1 - y0) * (x1 - x0);
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += img.data[(y * img.width + x) * c + ch]!;
        data[(oy * width + ox) * c + ch] = Math.round(sum / n);
      }
    }
  }
  return { width, height, channels: c, data };
}

/**
 * Fits an image of any size into a size×size RGB square, aspect ratio kept, centred on `pad`:
 * - at most half the tile (a 28×28 digit in 96): enlarged by a whole factor, nearest neighbour, so
 *   every source pixel is a uniform block and the picture stays crisp;
 * - between half and full size: bilinear enlargement to fit;
 * - larger: area-average shrink to fit.
 */
export function letterbox(img: RawImage, size: number, pad: Rgb): RawImage {
  const longSide = Math.max(img.width, img.height);
  let fitted: RawImage;
  if (longSide * 2 <= size) {
    fitted = magnifyNearest(img, size);
  } else {
    const s = size / longSide;
    const w = Math.min(size, Math.max(1, Math.round(img.width * s)));
    const h = Math.min(size, Math.max(1, Math.round(img.height * s)));
    fitted = s >= 1 ? resizeBilinear(img, w, h) : shrinkArea(img, w, h);
  }
  const out = createCanvas(size, size, pad);
  blit(out, fitted, Math.floor((size - fitted.width) / 2), Math.floor((size - fitted.height) / 2));
  return out;
}
