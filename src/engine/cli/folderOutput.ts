import * as path from 'node:path';
import { decodeImageFile } from '../image/decodeImage';
import type { RawImage } from '../image/rawImage';
import type { ImageSource } from '../dataset/imageFolder';
import type { FolderOutcome } from '../features/descriptor';
import type { EmbedResult } from '../features/embedMethod';
import type { FeaturesResult } from '../features/featuresMethod';
import type { Neighbor, NeighborsResult } from '../features/neighborsMethod';
import type { PatchesResult } from '../features/patches';
import { patchPictures } from '../features/patchPictures';
import { renderNeighborsFigure } from '../render/neighborsFigure';
import { renderPatchGrids } from '../render/patchGrid';
import { renderScatter } from '../render/scatterPlot';
import type { Session } from './session';

export interface Presented {
  text: string;
  json: Record<string, unknown>;
  png?: RawImage;
}

export interface PresentEnv {
  session: Session;
  source: ImageSource;
  signal: AbortSignal;
  /** How a path is printed: relative to the working folder. */
  shown: (file: string) => string;
}

/** A folder method's result as the CLI prints it, writes it with --json, and draws it with --out. */
export async function presentFolderResult(command: string, result: FolderOutcome, env: PresentEnv): Promise<Presented> {
  switch (command) {
    case 'features':
      return presentFeatures(result as FeaturesResult, env);
    case 'neighbors':
      return presentNeighbors(result as NeighborsResult, env);
    case 'embed':
      return presentEmbedding(result as EmbedResult, env);
    case 'patches':
      return presentPatches(result as PatchesResult, env);
    default:
      throw new Error(`no presenter for folder command '${command}'`);
  }
}

function presentFeatures(r: FeaturesResult, { shown }: PresentEnv): Presented {
  return {
    text: `features at ${r.layer}: ${r.items.length} images × ${r.dim} values`,
    json: { layer: r.layer, dim: r.dim, items: r.items.map((i) => ({ path: shown(i.image.path), label: i.image.label, vector: Array.from(i.vector) })) },
  };
}

function presentNeighbors(r: NeighborsResult, env: PresentEnv): Presented {
  const { shown, source } = env;
  const inside = path.relative(source.root, r.query);
  const queryLabel = !inside.startsWith('..') && !path.isAbsolute(inside) && inside.includes(path.sep) ? inside.split(path.sep)[0] : undefined;
  const asJson = (list?: Neighbor[]) => list?.map((n) => ({ path: shown(n.path), label: n.label, distance: n.distance }));
  const row = (title: string, list: Neighbor[]) => ({
    title,
    tiles: list.map((n) => ({ image: decodeImageFile(n.path), caption: `${formatDistance(n.distance)}${n.label ? ` ${n.label}` : ''}`, ...(queryLabel !== undefined ? { match: n.label === queryLabel } : {}) })),
  });
  const rows = [...(r.neighbors ? [row(`features: ${r.layer} (${r.metric})`, r.neighbors)] : []), ...(r.pixelNeighbors ? [row(`pixels (${r.metric})`, r.pixelNeighbors)] : [])];
  const lines = [`query ${shown(r.query)}`, ...rows.map((x, i) => `${x.title}: ${(i === 0 && r.neighbors ? r.neighbors : r.pixelNeighbors ?? []).map((n) => `${shown(n.path)} (${formatDistance(n.distance)})`).join(', ')}`)];
  return {
    text: lines.join('\n'),
    json: { query: shown(r.query), layer: r.layer, metric: r.metric, ...(r.neighbors ? { neighbors: asJson(r.neighbors) } : {}), ...(r.pixelNeighbors ? { pixelNeighbors: asJson(r.pixelNeighbors) } : {}) },
    png: renderNeighborsFigure({ image: decodeImageFile(r.query), caption: queryLabel ? `query ${queryLabel}` : 'query' }, rows),
  };
}

function presentEmbedding(r: EmbedResult, { shown }: PresentEnv): Presented {
  const labels = new Set(r.points.map((p) => p.label));
  const variance = r.explainedVariance ? `; explained variance ${r.explainedVariance.map((v) => `${(100 * v).toFixed(1)}%`).join(', ')}` : '';
  return {
    text: `${r.method} map of ${r.points.length} images (${labels.size} label${labels.size === 1 ? '' : 's'}) from ${r.layer} (${r.dim} values)${variance}`,
    json: { method: r.method, layer: r.layer, dim: r.dim, points: r.points.map((p) => ({ path: shown(p.path), label: p.label, x: p.x, y: p.y })), ...(r.explainedVariance ? { explainedVariance: r.explainedVariance } : {}) },
    png: renderScatter(
      r.points.map((p) => ({ x: p.x, y: p.y, label: p.label || '(none)' })),
      { title: `${methodTitle(r.method)} of ${r.layer} (${r.points.length} images)` },
    ),
  };
}

async function presentPatches(r: PatchesResult, env: PresentEnv): Promise<Presented> {
  const { shown, session, signal } = env;
  const pictures = r.patches.length > 0 ? await patchPictures(session.model, r.layer, r.channel, r.patches, signal) : undefined;
  const rf = r.receptiveField;
  return {
    text: [`${r.layer} channel ${r.channel}: receptive field ${rf.size.join('×')} px, stride ${rf.stride.join('×')}`, ...r.patches.map((p, i) => `${String(i + 1).padStart(3)}. ${p.value.toPrecision(5)} at (${p.row}, ${p.col}) in ${shown(p.path)}, box ${p.box.width}×${p.box.height} at (${p.box.x}, ${p.box.y})`)].join('\n'),
    json: {
      layer: r.layer,
      channel: r.channel,
      receptiveField: rf,
      patches: r.patches.map((p) => ({ path: shown(p.path), label: p.label, value: p.value, row: p.row, col: p.col, box: p.box })),
      images: r.images.map((p) => ({ path: shown(p.path), label: p.label, value: p.value, row: p.row, col: p.col })),
    },
    png: pictures ? renderPatchGrids(pictures.crops, pictures.guided, { captions: r.patches.map((p) => p.value.toPrecision(3)) }) : undefined,
  };
}

function formatDistance(d: number): string {
  return d === 0 ? '0' : d < 1e-3 ? d.toExponential(1) : d.toPrecision(3);
}

function methodTitle(method: string): string {
  return method === 'pca' ? 'PCA' : method === 'tsne' ? 't-SNE' : 'UMAP';
}
