import { statSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { decodeImageFile } from '../image/decodeImage';
import type { FolderImage } from '../dataset/imageFolder';
import type { FolderContext, FolderMethodDescriptor, FolderOutcome } from './descriptor';
import { layerOption, poolOption, resolveLayer, type VectorOptions } from './commonOptions';
import { folderFeatures, pixelSpace, type FeatureItem, type FolderFeatures } from './folderFeatures';
import { metrics, nearest, type Metric } from './nearest';

export type NeighborSpace = 'features' | 'pixels' | 'both';

export interface NeighborsOptions extends VectorOptions {
  query: string;
  k: number;
  metric: Metric;
  space: NeighborSpace;
}

export interface Neighbor {
  path: string;
  relative: string;
  label: string;
  distance: number;
}

export interface NeighborsResult extends FolderOutcome {
  query: string;
  layer: string;
  metric: Metric;
  /** Nearest first, in the layer's feature space (absent with --space pixels). */
  neighbors?: Neighbor[];
  /** Nearest first, in pixel space: the model's input (resized, preprocessed) as one long vector. */
  pixelNeighbors?: Neighbor[];
}

/**
 * Nearest neighbours of a query image among a folder's images, in a layer's feature space and in
 * pixel space (the seed's figure: features group different-looking members of a class, pixels do
 * not). A query that is in the folder uses the folder's own vector, so it is its own nearest
 * neighbour at distance 0.
 */
export const neighborsMethod: FolderMethodDescriptor<NeighborsOptions, NeighborsResult> = {
  name: 'neighbors',
  command: 'neighbors',
  label: 'Nearest neighbours',
  hint: 'the images of a folder nearest to a query image (--images DIR --query F)',
  result: 'folder',
  options: {
    layer: layerOption,
    pool: poolOption,
    query: { type: 'file', cliFlag: 'query', label: 'Query image', hint: 'the image whose neighbours to find' },
    k: { type: 'int', default: 6, min: 1, cliFlag: 'k', label: 'Neighbours', hint: 'how many' },
    metric: { type: 'choice', choices: metrics, default: 'cosine', cliFlag: 'metric', label: 'Metric', hint: '1 − cosine similarity, or euclidean distance' },
    space: { type: 'choice', choices: ['features', 'pixels', 'both'], default: 'both', cliFlag: 'space', label: 'Space', hint: 'compare layer features, raw pixels, or both side by side' },
  },
  resolve(options, model, source) {
    if (!options.query) throw new UserError('neighbors needs --query <image file>');
    decodeImageFile(options.query); // an unreadable query fails here, before any model work
    if (options.k > source.images.length) throw new UserError(`--k ${options.k} is larger than the folder (${source.images.length} image${source.images.length === 1 ? '' : 's'})`);
    return resolveLayer(options, model);
  },
  cost: (options, _model, source) => ({ forwardPasses: options.space === 'pixels' ? 0 : source.images.length + 1, backwardPasses: 0, summary: `up to ${source.images.length + 1} images through the model (cached images cost nothing)` }),
  async run(ctx, options) {
    const spaces = options.space === 'both' ? (['features', 'pixels'] as const) : ([options.space] as const);
    const result: NeighborsResult = { query: path.resolve(options.query), layer: options.layer!, metric: options.metric, skipped: [], computed: 0, cached: 0, stopped: false, warnings: [] };
    for (const space of spaces) {
      const layer = space === 'features' ? options.layer! : pixelSpace;
      const f = await folderFeatures(ctx.model, ctx.source, { layer, pool: options.pool, memoryBudgetBytes: options.memoryBudgetBytes }, ctx.cache, ctx);
      const query = await queryVector(ctx, f, options.query, layer, options);
      const ranked = nearest(query, f.items, (item) => item.vector, options.k, options.metric).map(({ item, distance }) => asNeighbor(item, distance));
      if (space === 'features') result.neighbors = ranked;
      else result.pixelNeighbors = ranked;
      result.skipped = f.skipped;
      // Pixel vectors need no model: the counts say what the model did.
      if (space === 'features') {
        result.computed += f.computed;
        result.cached += f.cached;
      }
      result.stopped ||= f.stopped;
      result.warnings.push(...f.warnings);
    }
    if (result.stopped) result.warnings.push('stopped early: the neighbours are among the images done so far');
    return result;
  },
};

/** The folder's own vector when the query is one of its images, else the query through the same pipeline. */
async function queryVector(ctx: FolderContext, f: FolderFeatures, file: string, layer: string, options: NeighborsOptions): Promise<Float32Array> {
  const absolute = path.resolve(file);
  const own = f.items.find((item) => item.image.path === absolute);
  if (own) return own.vector;
  const stat = statSync(absolute);
  const image: FolderImage = { path: absolute, relative: path.basename(absolute), label: '', size: stat.size, mtimeMs: stat.mtimeMs };
  const q = await folderFeatures(ctx.model, { root: path.dirname(absolute), images: [image], skipped: [], total: 1 }, { layer, pool: options.pool }, ctx.cache, { ...ctx, stop: undefined });
  if (q.items.length === 0) throw new UserError(`--query ${file}: ${q.skipped[0]?.reason ?? 'cannot be read'}`);
  return q.items[0]!.vector;
}

function asNeighbor(item: FeatureItem, distance: number): Neighbor {
  return { path: item.image.path, relative: item.image.relative, label: item.image.label, distance };
}
