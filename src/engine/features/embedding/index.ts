// 2-D maps of N feature vectors: PCA (exact, linear, with explained variance), t-SNE (Barnes–Hut,
// ours) and UMAP (umap-js). Pure computation: no tf, no files; runs in the engine process, yielding
// to its event loop so progress reaches the host and a cancel stops the job (CancelledError).
import { pca } from './pca';
import { tsne } from './tsne';
import { umap } from './umap';
import { throwIfCancelled } from './cooperative';
import { validateEmbedding, type EmbedOptions, type EmbeddingMethod } from './validateOptions';

export type { EmbedOptions, EmbeddingMethod } from './validateOptions';
export { EMBEDDING_METHODS } from './validateOptions';
export { neighbourAccuracy } from './neighbourAccuracy';
export { pca, type PcaResult } from './pca';

export interface Embedding {
  method: EmbeddingMethod;
  /** One [x, y] per input vector, in input order. */
  points: [number, number][];
  /** PCA only: each axis's share of the total variance. */
  explainedVariance?: number[];
}

/**
 * t-SNE and UMAP first reduce to this many dimensions with PCA when D is larger (standard practice,
 * as in van der Maaten's bhtsne and scikit-learn's advice): it removes noise dimensions and makes
 * the neighbour search, the costliest part, D/50 times cheaper. The subspace is found by
 * randomized subspace iteration: t-SNE and UMAP need it, not axes exact to rounding.
 */
export const PRE_REDUCTION_DIMENSIONS = 50;

/** Throws UserError for invalid vectors or options, CancelledError when `signal` aborts. */
export async function embed(vectors: Float32Array[] | number[][], options: EmbedOptions, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<Embedding> {
  const { n, d, resolved } = validateEmbedding(vectors, options);
  throwIfCancelled(signal);
  if (resolved.method === 'pca') {
    const result = await pca(vectors, 2, signal);
    onProgress?.(1);
    return { method: 'pca', points: toPairs(result.points, n), explainedVariance: result.explainedVariance };
  }
  let x: Float64Array;
  let dims = d;
  if (d > PRE_REDUCTION_DIMENSIONS) {
    x = (await pca(vectors, PRE_REDUCTION_DIMENSIONS, signal, 'randomized')).points;
    dims = PRE_REDUCTION_DIMENSIONS;
  } else {
    x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = vectors[i]![j]!;
  }
  onProgress?.(0.05);
  const rest = (f: number) => onProgress?.(0.05 + 0.95 * f);
  const y =
    resolved.method === 'tsne'
      ? await tsne(x, n, dims, { perplexity: resolved.perplexity, iterations: resolved.iterations, seed: resolved.seed }, rest, signal)
      : await umap(x, n, dims, { neighbors: resolved.neighbors, minDist: resolved.minDist, seed: resolved.seed }, rest, signal);
  return { method: resolved.method, points: toPairs(y, n) };
}

function toPairs(flat: Float64Array, n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) out.push([flat[2 * i]!, flat[2 * i + 1]!]);
  return out;
}
