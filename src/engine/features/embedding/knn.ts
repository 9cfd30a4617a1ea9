// Exact k nearest neighbours (Euclidean) of every point, shared by t-SNE (its input affinities)
// and UMAP (its fuzzy graph; given to umap-js so it skips its own randomized approximate search).
// Brute force over all pairs, each pair's distance computed once and offered to both points:
// N²·D/2 work, about a second at N = 5,000 after the reduction to 50 dimensions, and exact, so
// the maps do not depend on a search's luck.
import { pause } from './cooperative';

export interface Neighbours {
  k: number;
  /** N×k neighbour indices, nearest first; a point is never its own neighbour. */
  indices: Int32Array;
  /** N×k squared Euclidean distances, matching `indices`. */
  squaredDistances: Float64Array;
}

/**
 * `x` is N×d row-major. Ties are broken by the lower index, so the result never depends on order of
 * evaluation. `onProgress` gets the fraction of pairs done.
 */
export async function nearestNeighbours(x: Float64Array, n: number, d: number, k: number, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<Neighbours> {
  // One bounded max-heap per point: root = the current k-th nearest, so most candidates are rejected
  // by one comparison.
  const heapIdx = new Int32Array(n * k).fill(-1);
  const heapDist = new Float64Array(n * k).fill(Infinity);
  const totalPairs = (n * (n - 1)) / 2;
  let pairsDone = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = x[oi + t]! - x[oj + t]!;
        s += diff * diff;
      }
      offer(heapIdx, heapDist, i * k, k, j, s);
      offer(heapIdx, heapDist, j * k, k, i, s);
    }
    pairsDone += n - 1 - i;
    if (i % 32 === 31) {
      onProgress?.(pairsDone / totalPairs);
      await pause(signal);
    }
  }
  // Heaps to sorted rows.
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const order = Array.from({ length: k }, (_, t) => t).sort((a, b) => heapDist[o + a]! - heapDist[o + b]! || heapIdx[o + a]! - heapIdx[o + b]!);
    const idx = order.map((t) => heapIdx[o + t]!);
    const dist = order.map((t) => heapDist[o + t]!);
    heapIdx.set(idx, o);
    heapDist.set(dist, o);
  }
  return { k, indices: heapIdx, squaredDistances: heapDist };
}

/** Is (d, j) farther than (d0, j0)? Distance first, then index, so ties are decided the same way every time. */
function farther(d: number, j: number, d0: number, j0: number): boolean {
  return d > d0 || (d === d0 && j > j0);
}

/** Offers candidate j at squared distance s to the max-heap of size k stored at offset o. */
function offer(idx: Int32Array, dist: Float64Array, o: number, k: number, j: number, s: number): void {
  const rootIdx = idx[o]!;
  if (rootIdx !== -1 && !farther(dist[o]!, rootIdx, s, j)) return;
  // Replace the root and sift down.
  let pos = 0;
  for (;;) {
    const l = 2 * pos + 1;
    if (l >= k) break;
    const r = l + 1;
    let big = l;
    if (r < k && (idx[o + r] === -1 || (idx[o + l] !== -1 && farther(dist[o + r]!, idx[o + r]!, dist[o + l]!, idx[o + l]!)))) big = r;
    const bi = idx[o + big]!;
    // An empty slot (-1, Infinity) counts as farthest of all.
    if (bi !== -1 && !farther(dist[o + big]!, bi, s, j)) break;
    idx[o + pos] = bi;
    dist[o + pos] = dist[o + big]!;
    pos = big;
  }
  idx[o + pos] = j;
  dist[o + pos] = s;
}
