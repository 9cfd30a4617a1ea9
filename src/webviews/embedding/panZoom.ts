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

/** The zoom factor of one wheel event: smooth for trackpads, ~15 % per mouse-wheel notch, never a jump. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(Math.max(-300, Math.min(300, pixels)) * 0.0015);
}

/**
 * Where the map looks: its centre and the data units per pixel, one scale for both axes (distances
 * are what a map shows: stretching one axis would invent clusters). The axes' ranges follow from
 * the plot area's size, so a resized panel keeps the scale instead of stretching the map.
 */
export interface Camera {
  cx: number;
  cy: number;
  /** Data units per CSS pixel. */
  upp: number;
}

/** The axes' ranges of `cam` on a plot area of `width` × `height` pixels. */
export function cameraView(cam: Camera, width: number, height: number): View {
  const hw = (cam.upp * Math.max(1, width)) / 2;
  const hh = (cam.upp * Math.max(1, height)) / 2;
  return { x: { min: cam.cx - hw, max: cam.cx + hw }, y: { min: cam.cy - hh, max: cam.cy + hh } };
}

/** `cam` zoomed by `factor` (< 1: in) about the data point `at`, which stays under the cursor. */
export function zoomCamera(cam: Camera, at: { x: number; y: number }, factor: number): Camera {
  return { cx: at.x + (cam.cx - at.x) * factor, cy: at.y + (cam.cy - at.y) * factor, upp: cam.upp * factor };
}

/** `cam` after a drag of (dx, dy) pixels: the map follows the pointer (screen y grows downwards, the axis upwards). */
export function panCamera(cam: Camera, dx: number, dy: number): Camera {
  return { cx: cam.cx - dx * cam.upp, cy: cam.cy + dy * cam.upp, upp: cam.upp };
}

/** The camera that shows every point with a margin on a plot area of `width` × `height` pixels. */
export function fitCamera(points: readonly { x: number; y: number }[], width: number, height: number, margin = 0.05): Camera {
  if (points.length === 0) return { cx: 0, cy: 0, upp: 2 / Math.max(1, Math.min(width, height)) };
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
  const upp = Math.max(spanX / Math.max(1, width), spanY / Math.max(1, height)) * (1 + 2 * margin);
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, upp };
}

/**
 * The view that shows every point with a margin, with one scale on both axes (distances are what
 * a map shows: stretching one axis would invent clusters). `width`/`height`: the plot area in pixels.
 */
export function fitView(points: readonly { x: number; y: number }[], width: number, height: number, margin = 0.05): View {
  if (points.length === 0) return { x: { min: -1, max: 1 }, y: { min: -1, max: 1 } };
  return cameraView(fitCamera(points, width, height, margin), width, height);
}
