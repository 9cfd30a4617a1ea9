// Pure logic of the Patches webview (no DOM: unit-tested in node): the patch's box, given in the
// source image's pixels, placed over the image as it is displayed; the top-N field.
import type { PixelBox } from '../../shared/engineProtocol';

export interface Size {
  width: number;
  height: number;
}

/** The box in CSS pixels over an image of `natural` size shown at `displayed` size, clipped to the image. */
export function boxOnDisplay(box: PixelBox, natural: Size, displayed: Size): { left: number; top: number; width: number; height: number } | undefined {
  if (natural.width <= 0 || natural.height <= 0 || displayed.width <= 0 || displayed.height <= 0) return undefined;
  const sx = displayed.width / natural.width;
  const sy = displayed.height / natural.height;
  const x0 = Math.max(0, box.x);
  const y0 = Math.max(0, box.y);
  const x1 = Math.min(natural.width, box.x + box.width);
  const y1 = Math.min(natural.height, box.y + box.height);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { left: x0 * sx, top: y0 * sy, width: (x1 - x0) * sx, height: (y1 - y0) * sy };
}

/** The top-N field: a whole number from 1 to 400 (the engine's range), or undefined. */
export function parseTop(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 400 ? n : undefined;
}

/** The channel field: a whole number within the layer's channels (when known). */
export function parseChannel(text: string, channels: number | undefined): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const c = Number(t);
  return channels === undefined || c < channels ? c : undefined;
}
