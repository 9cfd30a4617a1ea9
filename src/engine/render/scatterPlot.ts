import type { RawImage } from '../image/rawImage';
import { drawText, fitText, textHeight, textWidth } from './bitmapFont';
import { colorForIndex, naturalLabelOrder } from './categoricalColors';
import { type Rgb, createCanvas, fillRect, strokeRect } from './canvas';

/**
 * A 2-D embedding (PCA, t-SNE, UMAP of a folder's features) as a picture: one disc per image,
 * coloured by its label, with a legend. Both axes share one scale, because distances are what an
 * embedding shows; stretching x and y differently would invent clusters.
 */
export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
}

export interface ScatterOptions {
  width?: number;
  height?: number;
  title?: string;
  /** Disc radius in pixels; default by point count (4 up to 200 points, 3 up to 2000, then 2). */
  pointRadius?: number;
}

/** Labels listed in the legend; the rest are summarised as "+N more". */
export const LEGEND_MAX_LABELS = 30;

const MARGIN = 12;
const LEGEND_GAP = 14;
const SWATCH = 9;
const ROW = textHeight(1) + 5;
const TITLE_SCALE = 2;
const TEXT: Rgb = [40, 40, 40];
const FRAME: Rgb = [170, 170, 170];

export interface ScatterLayout {
  width: number;
  height: number;
  /** The framed plot area; every disc lies wholly inside it. */
  plot: { x: number; y: number; width: number; height: number };
  radius: number;
  /** All labels in natural order (palette index = position here). */
  labels: string[];
  counts: Map<string, number>;
  /** Legend rows actually shown, the swatch's top-left corner of each, and how many were left out. */
  legend: { label: string; swatchX: number; swatchY: number }[];
  legendMore: number;
  /** Points with a non-finite coordinate: counted in the legend note, not drawn. */
  skipped: number;
  /** Data coordinates → pixel centre (y grows upwards in data, downwards in pixels). */
  toPixel(x: number, y: number): { px: number; py: number };
}

function legendEntry(label: string, count: number): string {
  return `${label} (${count})`;
}

/** Where everything goes, without drawing; tests and webviews use it to find a point's pixel. */
export function scatterLayout(points: readonly ScatterPoint[], opts: ScatterOptions = {}): ScatterLayout {
  const width = Math.round(opts.width ?? 800);
  const height = Math.round(opts.height ?? 600);
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const radius = opts.pointRadius ?? (finite.length <= 200 ? 4 : finite.length <= 2000 ? 3 : 2);
  const labels = naturalLabelOrder(points.map((p) => p.label));
  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.label, (counts.get(p.label) ?? 0) + 1);

  // Legend: as wide as its longest entry, but never more than a third of the figure.
  const top = MARGIN + (opts.title ? textHeight(TITLE_SCALE) + 8 : 0);
  const fitRows = Math.max(1, Math.floor((height - top - MARGIN) / ROW));
  const skippedRows = finite.length < points.length ? 1 : 0;
  let shown = Math.min(labels.length, LEGEND_MAX_LABELS, Math.max(0, fitRows - skippedRows));
  // Keep a row for "+N more" below the last label shown.
  if (shown < labels.length && shown + skippedRows + 1 > fitRows) shown = Math.max(0, fitRows - skippedRows - 1);
  const entries = labels.slice(0, shown).map((l) => legendEntry(l, counts.get(l)!));
  const notes = [labels.length > shown ? `+${labels.length - shown} more` : '', finite.length < points.length ? `${points.length - finite.length} not finite` : ''];
  const textW = Math.max(0, ...entries.map((e) => textWidth(e)), ...notes.map((n) => textWidth(n)));
  const legendW = Math.min(SWATCH + 6 + textW, Math.floor(width / 3));
  const legendX = width - MARGIN - legendW;

  const plot = { x: MARGIN, y: top, width: Math.max(1, legendX - LEGEND_GAP - MARGIN), height: Math.max(1, height - top - MARGIN) };
  // Discs keep `radius` + 2 pixels from the frame, so extreme points are whole and off the frame line.
  const inset = radius + 2;
  const innerW = Math.max(0, plot.width - 2 * inset);
  const innerH = Math.max(0, plot.height - 2 * inset);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const p of finite) {
    minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
  }
  const spanX = finite.length ? maxX - minX : 0;
  const spanY = finite.length ? maxY - minY : 0;
  // One scale for both axes (the tighter one); a single point or a constant axis is centred.
  const scale = Math.min(spanX > 0 ? innerW / spanX : Infinity, spanY > 0 ? innerH / spanY : Infinity);
  const s = Number.isFinite(scale) ? scale : 0;
  const cx = finite.length ? (minX + maxX) / 2 : 0;
  const cy = finite.length ? (minY + maxY) / 2 : 0;
  const midX = plot.x + plot.width / 2;
  const midY = plot.y + plot.height / 2;
  const toPixel = (x: number, y: number) => ({ px: Math.round(midX + (x - cx) * s - 0.5), py: Math.round(midY - (y - cy) * s - 0.5) });

  const legend = labels.slice(0, shown).map((label, i) => ({ label, swatchX: legendX, swatchY: top + i * ROW }));
  return { width, height, plot, radius, labels, counts, legend, legendMore: labels.length - shown, skipped: points.length - finite.length, toPixel };
}

/**
 * A fixed scramble of the point index (an integer hash), used as the drawing order: points are
 * often grouped by class (folder by folder), and drawn in that order the last class would cover
 * the others wherever they overlap. Deterministic, so the same data gives the same picture.
 */
function drawKey(i: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function fillDisc(img: RawImage, cx: number, cy: number, r: number, color: Rgb): void {
  // Pixel centres within r + 0.5 of the centre: a radius-r disc looks round even at r = 2.
  const rr = (r + 0.5) * (r + 0.5);
  for (let dy = -r; dy <= r; dy++) {
    const y = cy + dy;
    if (y < 0 || y >= img.height) continue;
    for (let dx = -r; dx <= r; dx++) {
      const x = cx + dx;
      if (x < 0 || x >= img.width || dx * dx + dy * dy > rr) continue;
      const o = (y * img.width + x) * 3;
      img.data[o] = color[0];
      img.data[o + 1] = color[1];
      img.data[o + 2] = color[2];
    }
  }
}

/** Renders the scatter plot: white RGB, framed plot area, discs by label colour, legend, title. */
export function renderScatter(points: readonly ScatterPoint[], opts: ScatterOptions = {}): RawImage {
  const L = scatterLayout(points, opts);
  const img = createCanvas(L.width, L.height, [255, 255, 255]);
  const index = new Map(L.labels.map((l, i) => [l, i]));

  if (opts.title) {
    const title = fitText(opts.title, L.width - 2 * MARGIN, TITLE_SCALE);
    drawText(img, title, Math.max(MARGIN, Math.round((L.width - textWidth(title, TITLE_SCALE)) / 2)), MARGIN, TEXT, TITLE_SCALE);
  }
  strokeRect(img, L.plot.x, L.plot.y, L.plot.width, L.plot.height, FRAME);

  const order = points.map((_, i) => i).sort((a, b) => drawKey(a) - drawKey(b) || a - b);
  for (const i of order) {
    const p = points[i]!;
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const { px, py } = L.toPixel(p.x, p.y);
    fillDisc(img, px, py, L.radius, colorForIndex(index.get(p.label)!));
  }

  const maxText = L.width - MARGIN - (L.legend[0]?.swatchX ?? 0) - SWATCH - 6;
  for (const { label, swatchX, swatchY } of L.legend) {
    fillRect(img, swatchX, swatchY, SWATCH, SWATCH, colorForIndex(index.get(label)!));
    drawText(img, fitText(legendEntry(label, L.counts.get(label)!), maxText), swatchX + SWATCH + 6, swatchY, TEXT);
  }
  const noteX = L.legend[0]?.swatchX ?? L.plot.x + L.plot.width + LEGEND_GAP;
  let noteY = L.plot.y + L.legend.length * ROW;
  if (L.legendMore > 0) {
    drawText(img, `+${L.legendMore} more`, noteX, noteY, TEXT);
    noteY += ROW;
  }
  if (L.skipped > 0) drawText(img, `${L.skipped} not finite`, noteX, noteY, [200, 40, 40]);
  return img;
}
