import type { RawImage } from '../image/rawImage';
import { drawText, fitText, textHeight, textWidth } from './bitmapFont';
import { type Rgb, blit, createCanvas, letterbox } from './canvas';

/**
 * What a unit responds to: the image crops (its receptive field) that activate it most, next to
 * guided backprop on the same crops, which shows the pixels inside each crop that drove it
 * (CS231n lecture 14). Crops clipped at an image border are smaller or not square, so every crop is
 * letterboxed into the same square tile rather than stretched.
 */
export interface PatchGridOptions {
  /** Side of each square tile in pixels; default 64. */
  tileSize?: number;
  /** Tiles per row; default ceil(sqrt(n)). */
  columns?: number;
  /** One per patch (e.g. the activation value), written under the tile in both grids. */
  captions?: string[];
  /** Titles above the two grids; default ['patches', 'guided backprop']. */
  titles?: [string, string];
}

const MARGIN = 10;
const TILE_GAP = 4;
/** Between the two grids: wide enough that they read as two figures, not one. */
const GRID_GAP = 24;
const TITLE_SCALE = 2;
const BACKGROUND: Rgb = [255, 255, 255];
const TILE_PAD: Rgb = [236, 236, 236];
const TEXT: Rgb = [40, 40, 40];

export interface PatchGridLayout {
  width: number;
  height: number;
  tileSize: number;
  columns: number;
  rows: number;
  /** Scale of the titles: 2, or 1 when a title would not fit over its grid at 2. */
  titleScale: number;
  /** Left edge of grid g (0: patches, 1: guided backprop). */
  gridX(g: 0 | 1): number;
  /** Top-left corner of tile i in grid g. */
  tile(g: 0 | 1, i: number): { x: number; y: number };
}

export function patchGridLayout(count: number, opts: PatchGridOptions & { grids?: 1 | 2 } = {}): PatchGridLayout {
  const tileSize = opts.tileSize ?? 64;
  if (!(Number.isInteger(tileSize) && tileSize >= 8)) throw new Error(`renderPatchGrids: tileSize must be an integer ≥ 8 (got ${tileSize})`);
  const columns = Math.max(1, Math.min(count, opts.columns ?? Math.ceil(Math.sqrt(count))));
  if (!Number.isInteger(columns)) throw new Error(`renderPatchGrids: columns must be a positive integer (got ${opts.columns})`);
  const rows = Math.max(1, Math.ceil(count / columns));
  const captionH = opts.captions ? textHeight(1) + 4 : 0;
  const cellW = tileSize + TILE_GAP;
  const cellH = tileSize + captionH + TILE_GAP;
  const gridW = columns * cellW - TILE_GAP;
  const titles = opts.titles ?? ['patches', 'guided backprop'];
  const titleScale = titles.every((t) => textWidth(t, TITLE_SCALE) <= gridW) ? TITLE_SCALE : 1;
  const top = MARGIN + textHeight(titleScale) + 6;
  const grids = opts.grids ?? 2;
  const gridX = (g: 0 | 1) => MARGIN + g * (gridW + GRID_GAP);
  return {
    width: MARGIN + grids * gridW + (grids - 1) * GRID_GAP + MARGIN,
    height: top + rows * cellH - TILE_GAP + MARGIN,
    tileSize,
    columns,
    rows,
    titleScale,
    gridX,
    tile: (g, i) => ({ x: gridX(g) + (i % columns) * cellW, y: top + Math.floor(i / columns) * cellH }),
  };
}

/**
 * The two grids side by side, each under its title, tile i of the right grid being guided backprop
 * of patch i on the left. An empty `guided` draws the patches grid alone (no gradients available).
 */
export function renderPatchGrids(patches: readonly RawImage[], guided: readonly RawImage[], opts: PatchGridOptions = {}): RawImage {
  const n = patches.length;
  if (n === 0) throw new Error('renderPatchGrids: no patches');
  if (guided.length !== 0 && guided.length !== n) throw new Error(`renderPatchGrids: ${guided.length} guided-backprop images for ${n} patches`);
  if (opts.captions && opts.captions.length !== n) throw new Error(`renderPatchGrids: ${opts.captions.length} captions for ${n} patches`);
  const grids: RawImage[][] = guided.length ? [[...patches], [...guided]] : [[...patches]];
  const L = patchGridLayout(n, { ...opts, grids: grids.length as 1 | 2 });
  const titles = opts.titles ?? ['patches', 'guided backprop'];
  const img = createCanvas(L.width, L.height, BACKGROUND);
  const gridW = L.columns * (L.tileSize + TILE_GAP) - TILE_GAP;

  grids.forEach((tiles, g) => {
    const gi = g as 0 | 1;
    const title = fitText(titles[gi], gridW, L.titleScale);
    drawText(img, title, L.gridX(gi) + Math.floor((gridW - textWidth(title, L.titleScale)) / 2), MARGIN, TEXT, L.titleScale);
    tiles.forEach((tile, i) => {
      const at = L.tile(gi, i);
      blit(img, letterbox(tile, L.tileSize, TILE_PAD), at.x, at.y);
      const caption = opts.captions?.[i];
      if (caption) {
        const text = fitText(caption, L.tileSize + TILE_GAP);
        drawText(img, text, at.x + Math.floor((L.tileSize - textWidth(text)) / 2), at.y + L.tileSize + 3, TEXT);
      }
    });
  });
  return img;
}
