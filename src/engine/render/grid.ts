import { toRgb } from '../image/channels';
import { type RawImage, assertImage } from '../image/rawImage';

export interface GridOptions {
  /** Tiles per row; default ceil(sqrt(n)), a near-square grid. */
  columns?: number;
  /** Background pixels between tiles and around the border (torchvision make_grid style); default 1. */
  padding?: number;
  /** Integer nearest-neighbour magnification, so 3x3 filters are visible as blocks; default 1. */
  scale?: number;
  /** Grey level (0..255) of the padding; default 0. */
  background?: number;
}

export interface GridLayout {
  columns: number;
  rows: number;
  width: number;
  height: number;
  /** Top-left corner of tile i in the grid image (lets a webview map a click back to a tile). */
  origin(i: number): { x: number; y: number };
}

/** Where the tiles go, without drawing anything. */
export function gridLayout(count: number, tileWidth: number, tileHeight: number, opts: GridOptions = {}): GridLayout {
  const scale = opts.scale ?? 1;
  const padding = opts.padding ?? 1;
  if (!(Number.isInteger(scale) && scale >= 1)) throw new Error(`tileGrid: scale must be a positive integer (got ${scale})`);
  if (!(Number.isInteger(padding) && padding >= 0)) throw new Error(`tileGrid: padding must be a non-negative integer (got ${padding})`);
  const columns = Math.min(count, opts.columns ?? Math.ceil(Math.sqrt(count)));
  if (!(Number.isInteger(columns) && columns >= 1)) throw new Error(`tileGrid: columns must be a positive integer (got ${opts.columns})`);
  const rows = Math.ceil(count / columns);
  const cellW = tileWidth * scale + padding;
  const cellH = tileHeight * scale + padding;
  return {
    columns,
    rows,
    width: columns * cellW + padding,
    height: rows * cellH + padding,
    origin: (i) => ({ x: padding + (i % columns) * cellW, y: padding + Math.floor(i / columns) * cellH }),
  };
}

/**
 * Lays equally sized tiles out row by row. Tiles with mixed channel counts are all converted to RGB.
 */
export function tileGrid(tiles: RawImage[], opts: GridOptions = {}): RawImage {
  if (tiles.length === 0) throw new Error('tileGrid: no tiles');
  const { width: tw, height: th } = tiles[0]!;
  for (const [i, t] of tiles.entries()) {
    assertImage(t, `tile ${i}`);
    if (t.width !== tw || t.height !== th) throw new Error(`tileGrid: tile ${i} is ${t.width}x${t.height}, expected ${tw}x${th}`);
  }
  const sameChannels = tiles.every((t) => t.channels === tiles[0]!.channels);
  const src = sameChannels ? tiles : tiles.map(toRgb);
  const channels = src[0]!.channels;
  const scale = opts.scale ?? 1;
  const layout = gridLayout(tiles.length, tw, th, opts);
  const background = Math.min(255, Math.max(0, Math.round(opts.background ?? 0)));

  const out = new Uint8Array(layout.width * layout.height * channels).fill(background);
  if (channels === 4) for (let i = 3; i < out.length; i += 4) out[i] = 255; // opaque padding

  src.forEach((tile, i) => {
    const { x: ox, y: oy } = layout.origin(i);
    for (let y = 0; y < th * scale; y++) {
      const srcRow = Math.floor(y / scale) * tw;
      const dstRow = (oy + y) * layout.width + ox;
      for (let x = 0; x < tw * scale; x++) {
        const s = (srcRow + Math.floor(x / scale)) * channels;
        const d = (dstRow + x) * channels;
        for (let c = 0; c < channels; c++) out[d + c] = tile.data[s + c]!;
      }
    }
  });
  return { width: layout.width, height: layout.height, channels, data: out };
}
