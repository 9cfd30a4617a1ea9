import type { RawImage } from '../image/rawImage';
import { drawText, fitText, textHeight, textWidth } from './bitmapFont';
import { type Rgb, blit, createCanvas, fillRect, letterbox } from './canvas';

/**
 * Nearest neighbours of a query image, one row per way of measuring distance (CS231n lecture 14:
 * neighbours in feature space find the same class across poses and backgrounds; neighbours in pixel
 * space find images with the same colours and layout). A border says whether a neighbour has the
 * query's label, so the two rows can be compared at a glance.
 */
export interface NeighborTile {
  image: RawImage;
  /** Under the tile, e.g. "0.123 cat" (distance and label). */
  caption: string;
  /** true: same label as the query (green border); false: another label (red); absent: unknown (grey). */
  match?: boolean;
}

export interface NeighborRow {
  title: string;
  tiles: NeighborTile[];
}

export interface NeighborsOptions {
  /** Side of each square tile in pixels; default 96. */
  tileSize?: number;
}

export const MATCH_COLOR: Rgb = [30, 160, 60];
export const MISMATCH_COLOR: Rgb = [210, 40, 40];
export const UNKNOWN_COLOR: Rgb = [150, 150, 150];
/** The query's border: dark, so it reads as "the reference", not as a verdict. */
export const QUERY_COLOR: Rgb = [40, 40, 40];
const BACKGROUND: Rgb = [255, 255, 255];
/** Letterbox padding inside a tile: a light grey, so a non-square image's tile still reads as a square. */
const TILE_PAD: Rgb = [236, 236, 236];
const TEXT: Rgb = [40, 40, 40];

const MARGIN = 10;
const BORDER = 3;
const TILE_GAP = 8;
const ROW_GAP = 10;
/** Between the query column and the rows, with a thin vertical rule in the middle. */
const QUERY_GAP = 24;
const TITLE_H = textHeight(1) + 5;
const CAPTION_H = textHeight(1) + 6;

export interface NeighborsLayout {
  width: number;
  height: number;
  tileSize: number;
  border: number;
  /** Top-left corner of the query's image (inside its border). */
  query: { x: number; y: number };
  /** Top-left corner of the image of tile `i` of row `row` (inside its border). */
  tile(row: number, i: number): { x: number; y: number };
  /** Top-left corner of the title of row `row`. */
  title(row: number): { x: number; y: number };
}

/** Where everything goes, given how many tiles each row has. */
export function neighborsLayout(rowLengths: readonly number[], opts: NeighborsOptions = {}): NeighborsLayout {
  const tileSize = opts.tileSize ?? 96;
  if (!(Number.isInteger(tileSize) && tileSize >= 8)) throw new Error(`renderNeighborsFigure: tileSize must be an integer ≥ 8 (got ${tileSize})`);
  const cell = tileSize + 2 * BORDER;
  const rowH = TITLE_H + cell + CAPTION_H;
  const rowsX = MARGIN + cell + QUERY_GAP;
  const maxTiles = Math.max(1, ...rowLengths);
  const width = rowsX + maxTiles * cell + (maxTiles - 1) * TILE_GAP + MARGIN;
  const rowsH = rowLengths.length * rowH + Math.max(0, rowLengths.length - 1) * ROW_GAP;
  const height = MARGIN + Math.max(rowsH, rowH) + MARGIN;
  const rowTop = (r: number) => MARGIN + r * (rowH + ROW_GAP);
  return {
    width,
    height,
    tileSize,
    border: BORDER,
    // The query sits level with the first row's tiles, under its own "query" title.
    query: { x: MARGIN + BORDER, y: MARGIN + TITLE_H + BORDER },
    tile: (row, i) => ({ x: rowsX + i * (cell + TILE_GAP) + BORDER, y: rowTop(row) + TITLE_H + BORDER }),
    title: (row) => ({ x: rowsX, y: rowTop(row) }),
  };
}

function borderColor(match: boolean | undefined): Rgb {
  return match === true ? MATCH_COLOR : match === false ? MISMATCH_COLOR : UNKNOWN_COLOR;
}

/** One bordered tile with its caption centred underneath (shortened with '..' if it would overflow). */
function drawTile(img: RawImage, at: { x: number; y: number }, size: number, image: RawImage, caption: string | undefined, border: Rgb): void {
  fillRect(img, at.x - BORDER, at.y - BORDER, size + 2 * BORDER, size + 2 * BORDER, border);
  blit(img, letterbox(image, size, TILE_PAD), at.x, at.y);
  if (!caption) return;
  const text = fitText(caption, size + 2 * BORDER);
  drawText(img, text, at.x + Math.floor((size - textWidth(text)) / 2), at.y + size + BORDER + 4, TEXT);
}

/**
 * The figure: the query on the left with its caption, then each row under its title, its tiles
 * letterboxed into tileSize squares (tiny images enlarged crisply by a whole factor), a caption
 * under each and a green / red / grey border for same label / other label / unknown.
 */
export function renderNeighborsFigure(query: { image: RawImage; caption?: string }, rows: readonly NeighborRow[], opts: NeighborsOptions = {}): RawImage {
  const L = neighborsLayout(rows.map((r) => r.tiles.length), opts);
  const img = createCanvas(L.width, L.height, BACKGROUND);
  const size = L.tileSize;

  drawText(img, 'query', L.query.x - BORDER, MARGIN, TEXT);
  drawTile(img, L.query, size, query.image, query.caption, QUERY_COLOR);
  // A thin rule between the query and its neighbours.
  fillRect(img, L.query.x + size + BORDER + Math.floor(QUERY_GAP / 2), MARGIN, 1, L.height - 2 * MARGIN, [200, 200, 200]);

  rows.forEach((row, r) => {
    const t = L.title(r);
    drawText(img, fitText(row.title, L.width - t.x - MARGIN), t.x, t.y, TEXT);
    row.tiles.forEach((tile, i) => drawTile(img, L.tile(r, i), size, tile.image, tile.caption, borderColor(tile.match)));
  });
  return img;
}
