// Pan and zoom of the map as arithmetic on the axes' ranges (pure: unit-tested without a browser).
// Our own instead of a zoom plugin: the chart only needs new min/max per axis, and a plugin would
// be one more dependency in a bundle that must load nothing remote.

export interface Range {
  min: number;
  max: number;
}

export interface View {
  x: Range;
  y: Range;
}

/** `r` scaled by `factor` about the value `at` (factor < 1 zooms in): the value under the cursor stays put. */
export function zoomRange(r: Range, at: number, factor: number): Range {
  return { min: at - (at - r.min) * factor, max: at + (r.max - at) * factor };
}

/** `r` moved by `delta` (in axis units). */
export function panRange(r: Range, delta: number): Range {
  return { min: r.min + delta, max: r.max + delta };
}

/** The zoom factor of one wheel event: smooth for trackpads, ~15 % per mouse-wheel notch, never a jump. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(Math.max(-300, Math.min(300, pixels)) * 0.0015);
}

/**
 * The view that shows every point with a margin, with one scale on both axes (distances are what
 * a map shows: stretching one axis would invent clusters). `width`/`height`: the plot area in pixels.
 */
export function fitView(points: readonly { x: number; y: number }[], width: number, height: number, margin = 0.05): View {
  if (points.length === 0) return { x: { min: -1, max: 1 }, y: { min: -1, max: 1 } };
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of points) {
    if (p.x < x0) x0 = p.x;
    if (p.x > x1) x1 = p.x;
    if (p.y < y0) y0 = p.y;
    if (p.y > y1) y1 = p.y;
  }
  // One point, or all on a line: give the flat axis the other's extent (or 1).
  const spanX = x1 - x0 || y1 - y0 || 1;
  const spanY = y1 - y0 || spanX;
  const w = Math.max(1, width);
  const hgt = Math.max(1, height);
  const perPixel = Math.max(spanX / w, spanY / hgt) * (1 + 2 * margin);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  return { x: { min: cx - (perPixel * w) / 2, max: cx + (perPixel * w) / 2 }, y: { min: cy - (perPixel * hgt) / 2, max: cy + (perPixel * hgt) / 2 } };
}
