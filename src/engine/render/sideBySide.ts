import type { RawImage } from '../image/rawImage';
import { toRgb } from '../image/channels';

/**
 * Images of any widths in one row, top-aligned, `gap` pixels apart on a `background` grey; grey
 * images are drawn as RGB so they can sit beside colour ones.
 */
export function sideBySide(images: readonly RawImage[], gap = 4, background = 0): RawImage {
  if (images.length === 0) throw new Error('sideBySide: no images');
  const rgb = images.map((img) => (img.channels === 3 ? img : toRgb(img)));
  const width = rgb.reduce((s, img) => s + img.width, 0) + gap * (rgb.length - 1);
  const height = Math.max(...rgb.map((img) => img.height));
  const data = new Uint8Array(width * height * 3).fill(background);
  let x0 = 0;
  for (const img of rgb) {
    for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), (y * width + x0) * 3);
    x0 += img.width + gap;
  }
  return { width, height, channels: 3, data };
}
