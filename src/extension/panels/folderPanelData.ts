// Pure helpers of the Neighbours and Max-activating patches panels (no vscode import, so unit tests
// reach them): the engine requests, the engine's results as the webviews draw them, the exports.
import * as path from 'node:path';
import type { FolderRunParams, NeighborsRunResult, PatchesRunResult } from '../../shared/engineProtocol';
import type { NeighborsView, PatchesView } from '../../shared/folderPanelViews';
import type { NeighborRow, NeighborsShown } from '../../shared/neighborsMessages';
import type { PatchesShown } from '../../shared/patchesMessages';

/** How a file is shown: its webview URL and its path relative to the workspace. */
export interface FileShown {
  src: (file: string) => string;
  relative: (file: string) => string;
}

/** The folder/plan and folder/run parameters of a neighbours run ('' layer: the engine's default feature layer). */
export function neighborsParams(model: string, query: string, view: NeighborsView, layer: string | undefined): FolderRunParams {
  if (!view.folder) throw new Error('Choose an image folder first.');
  return {
    method: 'neighbors',
    model,
    images: view.folder,
    ...(view.cacheDir ? { cacheDir: view.cacheDir } : {}),
    options: { query, k: view.k, metric: view.metric, space: view.space, ...(layer ? { layer } : {}) },
  };
}

export function patchesParams(model: string, view: PatchesView, layer: string, channel: number): FolderRunParams {
  if (!view.folder) throw new Error('Choose an image folder first.');
  return { method: 'patches', model, images: view.folder, ...(view.cacheDir ? { cacheDir: view.cacheDir } : {}), options: { layer, channel, top: view.top } };
}

/**
 * The query's label: its subfolder when it lies inside the image folder (as the engine labels the
 * folder's images, and as the CLI's figure marks them); undefined outside it or at its top level.
 */
export function queryLabel(query: string, folder: string): string | undefined {
  const inside = path.relative(folder, query);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  const parts = inside.split(path.sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** The engine's neighbours for the webview: one row per space, each tile with its URL and label. */
export function neighborsShown(r: NeighborsRunResult, folder: string, show: FileShown): NeighborsShown {
  const tiles = (list: NonNullable<NeighborsRunResult['neighbors']>) => list.map((n) => ({ path: n.path, name: path.basename(n.path), relativePath: show.relative(n.path), label: n.label, distance: n.distance, src: show.src(n.path) }));
  const rows: NeighborRow[] = [
    ...(r.neighbors ? [{ space: 'features' as const, title: `features: ${r.layer} (${r.metric})`, tiles: tiles(r.neighbors) }] : []),
    ...(r.pixelNeighbors ? [{ space: 'pixels' as const, title: `pixels (${r.metric})`, tiles: tiles(r.pixelNeighbors) }] : []),
  ];
  const label = queryLabel(r.query, folder);
  return {
    query: { path: r.query, name: path.basename(r.query), relativePath: show.relative(r.query), src: show.src(r.query) },
    ...(label !== undefined ? { queryLabel: label } : {}),
    rows,
    ...counts(r),
    layer: r.layer,
    metric: r.metric,
  };
}

export function patchesShown(r: PatchesRunResult, show: FileShown): PatchesShown {
  return {
    layer: r.layer,
    channel: r.channel,
    receptiveField: { size: r.receptiveField.size, stride: r.receptiveField.stride },
    patches: r.patches.map((p) => ({ path: p.path, name: path.basename(p.path), relativePath: show.relative(p.path), label: p.label, value: p.value, row: p.row, col: p.col, imageBox: p.imageBox, cropPng: p.cropPng, guidedPng: p.guidedPng, src: show.src(p.path) })),
    ...counts(r),
  };
}

function counts(r: NeighborsRunResult | PatchesRunResult) {
  return { used: r.used, total: r.total, computed: r.computed, cached: r.cached, skipped: r.skipped.length, stopped: r.stopped, warnings: r.warnings, elapsedMs: r.elapsedMs };
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The neighbours as CSV: one line per neighbour and space, nearest first, with whether its label is the query's. */
export function neighborsCsv(r: NeighborsRunResult, folder: string): string {
  const label = queryLabel(r.query, folder);
  const lines = [['space', 'rank', 'path', 'label', 'distance', 'same_label_as_query'].join(',')];
  const add = (space: string, list: NeighborsRunResult['neighbors']) =>
    list?.forEach((n, i) => lines.push([space, i + 1, n.path, n.label, n.distance, label === undefined ? '' : String(n.label === label)].map(csvField).join(',')));
  add(`features:${r.layer}`, r.neighbors);
  add('pixels', r.pixelNeighbors);
  return `${lines.join('\r\n')}\r\n`;
}

/** What an exported neighbours .json holds: the run's inputs and its numbers (no pictures). */
export function neighborsJson(model: string, folder: string, r: NeighborsRunResult) {
  const label = queryLabel(r.query, folder);
  return { model, images: folder, query: r.query, ...(label !== undefined ? { queryLabel: label } : {}), layer: r.layer, metric: r.metric, neighbors: r.neighbors, pixelNeighbors: r.pixelNeighbors, used: r.used, total: r.total, skipped: r.skipped, stopped: r.stopped, warnings: r.warnings, backend: r.backend };
}

/** What an exported patches .json holds: every patch's place and value (the pictures are in the PNG). */
export function patchesJson(model: string, folder: string, r: PatchesRunResult) {
  return {
    model,
    images: folder,
    layer: r.layer,
    channel: r.channel,
    receptiveField: r.receptiveField,
    patches: r.patches.map((p) => ({ path: p.path, label: p.label, value: p.value, row: p.row, col: p.col, box: p.box, imageBox: p.imageBox })),
    used: r.used,
    total: r.total,
    skipped: r.skipped,
    stopped: r.stopped,
    warnings: r.warnings,
    backend: r.backend,
  };
}

/** A file-name-safe piece (export names are built from image and layer names). */
export function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+/, '') || 'x';
}

/** The folders a panel's webview must be allowed to load images from: the image folder and the query's folder. */
export function resourceFolders(folder: string | undefined, query: string | undefined): string[] {
  const all = [folder, query ? path.dirname(query) : undefined].filter((f): f is string => !!f);
  return [...new Set(all)];
}
