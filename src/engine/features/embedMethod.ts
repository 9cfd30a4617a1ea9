import { UserError } from '../errors';
import type { FolderMethodDescriptor, FolderOutcome } from './descriptor';
import { layerOption, poolOption, resolveLayer, type VectorOptions } from './commonOptions';
import { folderFeatures, pixelSpace } from './folderFeatures';
import { embed } from './embedding/index';

export type EmbeddingMethod = 'pca' | 'tsne' | 'umap';

export interface EmbedOptions extends VectorOptions {
  /** Map the layer's vectors, or the pixels themselves (the baseline the seed's figures compare against). */
  space: 'features' | 'pixels';
  method: EmbeddingMethod;
  perplexity: number;
  iterations: number;
  neighbors: number;
  minDist: number;
  seed: number;
}

export interface EmbeddedPoint {
  path: string;
  relative: string;
  label: string;
  x: number;
  y: number;
}

export interface EmbedResult extends FolderOutcome {
  method: EmbeddingMethod;
  layer: string;
  dim: number;
  points: EmbeddedPoint[];
  /** PCA only: the fraction of the variance each of the two axes explains. */
  explainedVariance?: number[];
}

/** A 2-D map of a folder's feature vectors (the seed's t-SNE figure): PCA, t-SNE or UMAP, deterministic for a seed. */
export const embedMethod: FolderMethodDescriptor<EmbedOptions, EmbedResult> = {
  name: 'embed',
  command: 'embed',
  label: 'Embedding map',
  hint: 'a 2-D map of the feature vectors of a folder: PCA, t-SNE or UMAP (--images DIR)',
  result: 'folder',
  options: {
    layer: layerOption,
    pool: poolOption,
    space: { type: 'choice', choices: ['features', 'pixels'], default: 'features', cliFlag: 'space', label: 'Space', hint: "the layer's vectors, or the raw pixels (the model's input) as a baseline" },
    method: { type: 'choice', choices: ['pca', 'tsne', 'umap'], default: 'pca', cliFlag: 'method', label: 'Method', hint: 'PCA (exact, linear), t-SNE or UMAP (non-linear, seeded)' },
    perplexity: { type: 'number', default: 30, min: 2, max: 100, cliFlag: 'perplexity', label: 'Perplexity', hint: 't-SNE: effective number of neighbours' },
    iterations: { type: 'int', default: 1000, min: 50, max: 10000, cliFlag: 'iterations', label: 'Iterations', hint: 't-SNE: gradient steps' },
    neighbors: { type: 'int', default: 15, min: 2, max: 200, cliFlag: 'neighbors', label: 'Neighbours', hint: 'UMAP: size of the local neighbourhood' },
    minDist: { type: 'number', default: 0.1, min: 0, max: 1, cliFlag: 'min-dist', label: 'Min distance', hint: 'UMAP: how tightly points may pack' },
    seed: { type: 'int', default: 0, min: 0, cliFlag: 'seed', label: 'Seed', hint: 'same seed, same map (also picks the --limit sample)' },
  },
  resolve(options, model, source) {
    if (source.images.length < 3) throw new UserError(`an embedding needs at least 3 images; the folder has ${source.images.length}`);
    return resolveLayer(options, model);
  },
  cost: (_options, _model, source) => ({ forwardPasses: source.images.length, backwardPasses: 0, summary: `up to ${source.images.length} images through the model (cached images cost nothing), then the map` }),
  async run(ctx, options) {
    // The features take most of the progress bar on a first run; the map the rest.
    const layer = options.space === 'pixels' ? pixelSpace : options.layer!;
    const f = await folderFeatures(ctx.model, ctx.source, { layer, pool: options.pool, memoryBudgetBytes: options.memoryBudgetBytes }, ctx.cache, { ...ctx, progress: (p) => ctx.progress({ fraction: 0.7 * p.fraction, message: p.message }) });
    if (f.items.length < 3) throw new UserError(`only ${f.items.length} image${f.items.length === 1 ? '' : 's'} could be read (${f.skipped.length} skipped); an embedding needs at least 3`);
    // The counts say what the model did: pixels need none.
    if (options.space === 'pixels') Object.assign(f, { computed: 0, cached: 0 });
    const { perplexity, neighbors, notes } = fitToFolder(options, f.items.length);
    const map = await embed(
      f.items.map((i) => i.vector),
      { method: options.method, perplexity, iterations: options.iterations, neighbors, minDist: options.minDist, seed: options.seed },
      (fraction) => ctx.progress({ fraction: 0.7 + 0.3 * fraction, message: `${options.method} ${Math.round(100 * fraction)}%` }),
      ctx.signal,
    );
    const points = f.items.map((item, i) => ({ path: item.image.path, relative: item.image.relative, label: item.image.label, x: map.points[i]![0], y: map.points[i]![1] }));
    const warnings = [...f.warnings, ...notes, ...(f.stopped ? [`stopped early: the map shows the ${f.items.length} images done so far`] : [])];
    return { method: options.method, layer: f.layer, dim: f.dim, points, ...(map.explainedVariance ? { explainedVariance: map.explainedVariance } : {}), skipped: f.skipped, computed: f.computed, cached: f.cached, stopped: f.stopped, warnings };
  },
};

/**
 * t-SNE's perplexity and UMAP's neighbourhood must stay below the number of images: a small folder
 * (the defaults are 30 and 15) gets the largest value that fits, and a warning says so, rather
 * than an error. t-SNE reads 3 × perplexity neighbours of each point, hence the third.
 */
function fitToFolder(options: EmbedOptions, n: number): { perplexity: number; neighbors: number; notes: string[] } {
  const notes: string[] = [];
  let { perplexity, neighbors } = options;
  const maxPerplexity = Math.max(1, Math.floor((n - 1) / 3));
  if (options.method === 'tsne' && perplexity > maxPerplexity) {
    notes.push(`perplexity lowered from ${perplexity} to ${maxPerplexity} for ${n} images (t-SNE reads 3 × perplexity neighbours of each image)`);
    perplexity = maxPerplexity;
  }
  if (options.method === 'umap' && neighbors > n - 1) {
    notes.push(`neighbours lowered from ${neighbors} to ${n - 1} for ${n} images`);
    neighbors = Math.max(2, n - 1);
  }
  return { perplexity, neighbors, notes };
}
