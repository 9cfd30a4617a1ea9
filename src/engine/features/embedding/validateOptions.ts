// Checks what the caller (the extension's settings, the CLI, a webview) asked for before any work,
// so a wrong value fails at once with a message that names the option, its value and what is
// allowed, instead of minutes later or with a NaN map.
import { UserError } from '../../errors';

export type EmbeddingMethod = 'pca' | 'tsne' | 'umap';
export const EMBEDDING_METHODS: readonly EmbeddingMethod[] = ['pca', 'tsne', 'umap'];

export interface EmbedOptions {
  method: EmbeddingMethod;
  /** t-SNE: effective number of neighbours, ≥ 1 and < N (default 30). */
  perplexity?: number;
  /** t-SNE iterations, 1 … 100,000 (default 1000). UMAP ignores it: umap-js picks its epochs by N (500 up to 2,500 points, 400 up to 5,000, …). */
  iterations?: number;
  /** UMAP: neighbourhood size, an integer ≥ 2 and < N (default 15). */
  neighbors?: number;
  /** UMAP: how tightly points may pack, 0 … 1 (default 0.1). */
  minDist?: number;
  /** Random seed, an integer 0 … 2³²−1 (default 0); same seed, same map. */
  seed?: number;
}

export interface ResolvedOptions {
  method: EmbeddingMethod;
  perplexity: number;
  iterations: number;
  neighbors: number;
  minDist: number;
  seed: number;
}

export const MAX_ITERATIONS = 100_000;

/** Validates the points (returns N and D) and the options (returns them with defaults filled). */
export function validateEmbedding(vectors: ArrayLike<ArrayLike<number>>, options: EmbedOptions): { n: number; d: number; resolved: ResolvedOptions } {
  if (!EMBEDDING_METHODS.includes(options.method)) throw new UserError(`Unknown embedding method ${JSON.stringify(options.method)}: use one of ${EMBEDDING_METHODS.join(', ')}.`);
  const n = vectors.length;
  if (n < 3) throw new UserError(`An embedding needs at least 3 feature vectors; got ${n}.`);
  const d = vectors[0]!.length;
  if (d < 1) throw new UserError('The feature vectors are empty (length 0).');
  for (let i = 0; i < n; i++) {
    const v = vectors[i]!;
    if (v.length !== d) throw new UserError(`Feature vector ${i} has length ${v.length}; vector 0 has ${d}: all must have the same length.`);
    for (let j = 0; j < d; j++) if (!Number.isFinite(v[j]!)) throw new UserError(`Feature vector ${i} has a non-finite value (${v[j]}) at index ${j}.`);
  }
  const method = options.method;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UserError(`seed must be an integer from 0 to 4294967295; got ${seed}.`);
  const iterations = options.iterations ?? 1000;
  if (method === 'tsne' && !(Number.isInteger(iterations) && iterations >= 1 && iterations <= MAX_ITERATIONS)) {
    throw new UserError(`iterations must be an integer from 1 to ${MAX_ITERATIONS}; got ${iterations}.`);
  }
  const perplexity = options.perplexity ?? 30;
  if (method === 'tsne' && !(Number.isFinite(perplexity) && perplexity >= 1 && perplexity < n)) {
    const hint = options.perplexity === undefined ? ` (the default; with only ${n} points give a smaller one)` : '';
    throw new UserError(`perplexity must be at least 1 and less than the number of points (${n}); got ${perplexity}${hint}.`);
  }
  const neighbors = options.neighbors ?? 15;
  if (method === 'umap' && !(Number.isInteger(neighbors) && neighbors >= 2 && neighbors < n)) {
    const hint = options.neighbors === undefined ? ` (the default; with only ${n} points give a smaller one)` : '';
    throw new UserError(`neighbors must be an integer at least 2 and less than the number of points (${n}); got ${neighbors}${hint}.`);
  }
  const minDist = options.minDist ?? 0.1;
  if (method === 'umap' && !(Number.isFinite(minDist) && minDist >= 0 && minDist <= 1)) {
    throw new UserError(`minDist must be from 0 to 1; got ${minDist}.`);
  }
  return { n, d, resolved: { method, perplexity, iterations, neighbors, minDist, seed } };
}
