// Pure helpers of the Embedding map panel (no vscode import, so unit tests reach them): the engine
// request of a run, the engine's result as the webview draws it, and the CSV / JSON exports.
import * as path from 'node:path';
import type { EmbedRunResult, FolderRunParams } from '../../shared/engineProtocol';
import type { EmbeddingMap, EmbeddingRequest } from '../../shared/embeddingMessages';
import type { MethodInfo } from '../../shared/methodSchema';

/** The embed method among the engine's folder methods (by name, as its descriptor says). */
export function embedMethodOf(folderMethods: readonly MethodInfo[] | undefined): MethodInfo | undefined {
  return folderMethods?.find((m) => m.name === 'embed');
}

/** The folder/run (and folder/plan) parameters of a map: only scalar options go (the schema has no lists). */
export function embedParams(model: string, folder: string, cacheDir: string | undefined, request: EmbeddingRequest): FolderRunParams {
  const options: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(request.options)) if (typeof v === 'number' || typeof v === 'string') options[k] = v;
  const limit = request.limit !== undefined && Number.isInteger(request.limit) && request.limit > 0 ? request.limit : undefined;
  return { method: 'embed', model, images: folder, ...(limit ? { limit } : {}), ...(cacheDir ? { cacheDir } : {}), options };
}

/** The engine's map for the webview: each point with its path inside the folder and a URL the webview may load. */
export function mapForWebview(result: EmbedRunResult, folder: string, space: string, src: (file: string) => string): EmbeddingMap {
  return {
    embedding: result.embedding,
    layer: result.layer,
    space,
    dim: result.dim,
    points: result.points.map((p) => ({ path: p.path, name: relativeName(folder, p.path), label: p.label, x: p.x, y: p.y, src: src(p.path) })),
    ...(result.explainedVariance ? { explainedVariance: result.explainedVariance } : {}),
    used: result.used,
    total: result.total,
    computed: result.computed,
    cached: result.cached,
    skipped: result.skipped,
    warnings: result.warnings,
    stopped: result.stopped,
    elapsedMs: result.elapsedMs,
    backend: result.backend,
  };
}

/** `a/b.png` for `<folder>/a/b.png` (forward slashes on every system); the path itself when outside the folder. */
export function relativeName(folder: string, file: string): string {
  const rel = path.relative(folder, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `path,label,x,y`, one row per point, in the map's order. */
export function embeddingCsv(map: EmbeddingMap): string {
  const rows = map.points.map((p) => [p.path, p.label, p.x, p.y].map(csvField).join(','));
  return `${['path,label,x,y', ...rows].join('\n')}\n`;
}

/** The map with its provenance, without the webview-only URLs. */
export function embeddingJson(map: EmbeddingMap, model: string, folder: string): string {
  const { points, ...rest } = map;
  return `${JSON.stringify({ model, folder, ...rest, points: points.map((p) => ({ path: p.path, label: p.label, x: p.x, y: p.y })) }, null, 1)}\n`;
}

/** `<folder name>-<method>`: the default export name, with characters unsafe in file names replaced. */
export function embeddingExportBase(folder: string, embedding: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'map';
  return `${safe(path.basename(folder))}-${safe(embedding)}`;
}

