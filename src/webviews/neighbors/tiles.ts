// Pure logic of the Neighbours webview (no DOM: unit-tested in node): how a tile is marked against
// the query's label, its caption, the k field, and where the exported figure puts each image.
import type { NeighborRow } from '../../shared/neighborsMessages';
import { formatNumber } from '../ui/format';

/** Same label as the query: match (green border); another: mismatch (red); no query label known: unknown (no verdict). */
export type Mark = 'match' | 'mismatch' | 'unknown';

export function markOf(tileLabel: string, queryLabel: string | undefined): Mark {
  if (queryLabel === undefined) return 'unknown';
  return tileLabel === queryLabel ? 'match' : 'mismatch';
}

/** How many of a row's tiles share the query's label ("5 of 6 share label 4"); empty when unknown. */
export function rowSummary(row: NeighborRow, queryLabel: string | undefined): string {
  if (queryLabel === undefined) return '';
  const same = row.tiles.filter((t) => t.label === queryLabel).length;
  return `${same} of ${row.tiles.length} labelled ${queryLabel || '(none)'}`;
}

/** A distance as a caption: 0 exactly (the query itself), else 3–4 significant digits. */
export function formatDistance(d: number): string {
  return d === 0 ? '0' : formatNumber(d);
}

/** The k field: a whole number of at least 1, or undefined (the field then says so). */
export function parseK(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  const k = Number(t);
  return k >= 1 && k <= 1000 ? k : undefined;
}

export interface FigureCell {
  /** The file drawn there (the query or a neighbour). */
  path: string;
  x: number;
  y: number;
  caption: string;
  mark: Mark | 'query';
}

export interface FigureLayout {
  width: number;
  height: number;
  /** Row titles and where they go. */
  titles: { text: string; x: number; y: number }[];
  cells: FigureCell[];
}

/**
 * The exported figure (as the CLI's --out draws it): the query alone in a first column, then one row
 * per space, nearest first, each tile with its distance and label under it.
 */
export function figureLayout(queryPath: string, queryLabel: string | undefined, rows: NeighborRow[], tile = 96, margin = 10, titleHeight = 16, captionHeight = 16): FigureLayout {
  const rowHeight = titleHeight + tile + captionHeight + margin;
  const columns = Math.max(1, ...rows.map((r) => r.tiles.length));
  const left = margin + tile + 2 * margin;
  const cells: FigureCell[] = [{ path: queryPath, x: margin, y: margin + titleHeight, caption: queryLabel ? `query ${queryLabel}` : 'query', mark: 'query' }];
  const titles = [{ text: 'query', x: margin, y: margin }];
  rows.forEach((row, r) => {
    const top = margin + r * rowHeight;
    titles.push({ text: row.title, x: left, y: top });
    row.tiles.forEach((t, c) => cells.push({ path: t.path, x: left + c * (tile + margin), y: top + titleHeight, caption: `${formatDistance(t.distance)}${t.label ? ` ${t.label}` : ''}`, mark: markOf(t.label, queryLabel) }));
  });
  return { width: left + columns * (tile + margin), height: margin + Math.max(1, rows.length) * rowHeight, titles, cells };
}
