// Which filter a click on the engine's grid image points at. The grid is laid out by the engine
// (src/engine/render/renderFilters.ts, grid.ts): one tile per filter in a near-square grid, or in
// 'per-input' mode one tile per (filter, input channel), filter-major, min(in, 64) per row, at
// most 1024 tiles. The 2-pixel padding is ignored: a click on it counts for a neighbour.
import type { FilterMode, FiltersResult } from '../../shared/engineProtocol';

export const maxGridTiles = 1024;

export interface GridGeometry {
  columns: number;
  rows: number;
  /** Tiles drawn. */
  count: number;
  /** Tiles per filter (input channels in 'per-input' mode, else 1). */
  perFilter: number;
}

export function resolvedMode(result: Pick<FiltersResult, 'mode' | 'rgb'>): Exclude<FilterMode, 'auto'> {
  return result.mode === 'auto' ? (result.rgb ? 'rgb' : 'mean') : result.mode;
}

export function gridGeometry(result: Pick<FiltersResult, 'mode' | 'rgb' | 'kernelShape' | 'tiles'>): GridGeometry {
  if (resolvedMode(result) === 'per-input') {
    const cin = Math.max(1, result.kernelShape[2] ?? 1);
    const cout = Math.max(1, result.kernelShape[3] ?? result.tiles.length);
    const count = Math.min(cout * cin, maxGridTiles);
    const columns = Math.max(1, Math.min(count, cin, 64));
    return { columns, rows: Math.ceil(count / columns), count, perFilter: cin };
  }
  const count = Math.max(1, result.tiles.length);
  const columns = Math.ceil(Math.sqrt(count));
  return { columns, rows: Math.ceil(count / columns), count, perFilter: 1 };
}

/** The filter under a point given as fractions (0..1) of the grid image's width and height. */
export function filterAtPoint(fx: number, fy: number, g: GridGeometry, filters: number): number | undefined {
  if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) return undefined;
  const col = Math.min(g.columns - 1, Math.floor(fx * g.columns));
  const row = Math.min(g.rows - 1, Math.floor(fy * g.rows));
  const tile = row * g.columns + col;
  if (tile >= g.count) return undefined;
  const filter = Math.floor(tile / g.perFilter);
  return filter < filters ? filter : undefined;
}

/** The box (fractions of the image) covering a filter's tiles on their first row, for a highlight. */
export function filterBox(filter: number, g: GridGeometry): { left: number; top: number; width: number; height: number } | undefined {
  const first = filter * g.perFilter;
  if (first >= g.count) return undefined;
  const row = Math.floor(first / g.columns);
  const col = first % g.columns;
  const span = Math.min(g.perFilter, g.columns - col);
  return { left: col / g.columns, top: row / g.rows, width: span / g.columns, height: 1 / g.rows };
}
