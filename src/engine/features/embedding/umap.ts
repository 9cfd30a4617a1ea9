// UMAP through umap-js (the PAIR-code port of umap-learn). Two things are ours: the neighbour graph
// comes from our exact kNN (umap-js's own search is approximate and random), and the epochs are run
// one by one here so that progress and cancel work and the event loop is not blocked. umap-js takes
// its random source as an option, so a seed fixes the start and the negative samples.
// One part cannot yield: umap-js's initializeFit (fuzzy graph, start layout) is synchronous, about
// 2–5 s at 5,000 points, so a cancel or progress waits that long there.
import { UMAP } from 'umap-js';
import { nearestNeighbours } from './knn';
import { seededRandom } from './random';
import { pause } from './cooperative';

export interface UmapOptions {
  neighbors: number;
  minDist: number;
  seed: number;
  /** Optimization epochs; umap-js's own choice by N (500 up to 2,500 points, 400 up to 5,000, …) when absent. */
  epochs?: number;
}

const YIELD_EVERY = 10;

/** Embeds the N×d row-major points `x` in 2-D; returns N×2 row-major. */
export async function umap(x: Float64Array, n: number, d: number, options: UmapOptions, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<Float64Array> {
  // UMAP's n_neighbors counts the point itself (distance 0) as its first neighbour.
  const nb = await nearestNeighbours(x, n, d, options.neighbors - 1, (f) => onProgress?.(0.3 * f), signal);
  const knnIndices: number[][] = [];
  const knnDistances: number[][] = [];
  for (let i = 0; i < n; i++) {
    const idx = [i];
    const dist = [0];
    for (let t = 0; t < nb.k; t++) {
      idx.push(nb.indices[i * nb.k + t]!);
      dist.push(Math.sqrt(nb.squaredDistances[i * nb.k + t]!));
    }
    knnIndices.push(idx);
    knnDistances.push(dist);
  }
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(x.subarray(i * d, (i + 1) * d)));
  const model = new UMAP({
    nComponents: 2,
    nNeighbors: options.neighbors,
    minDist: options.minDist,
    random: seededRandom(options.seed),
    ...(options.epochs !== undefined ? { nEpochs: options.epochs } : {}),
  });
  model.setPrecomputedKNN(knnIndices, knnDistances);
  await pause(signal);
  const epochs = model.initializeFit(rows);
  for (let e = 0; e < epochs; e++) {
    model.step();
    if (e % YIELD_EVERY === YIELD_EVERY - 1) {
      onProgress?.(0.3 + (0.7 * (e + 1)) / epochs);
      await pause(signal);
    }
  }
  const embedding = model.getEmbedding();
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = embedding[i]![0]!;
    out[2 * i + 1] = embedding[i]![1]!;
  }
  onProgress?.(1);
  return out;
}
