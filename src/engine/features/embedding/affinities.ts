// t-SNE's input affinities: for each point a Gaussian over its nearest neighbours whose width is
// set, by binary search, so that the distribution's perplexity (2^entropy) equals the requested
// one; then symmetrized, P = (P_j|i + P_i|j) / 2N, and stored sparse (van der Maaten 2014: only the
// 3·perplexity nearest neighbours matter, which is what makes Barnes–Hut t-SNE O(N log N)).
import type { Neighbours } from './knn';

/** A symmetric sparse matrix in compressed rows: row i's entries are cols/vals[rowStart[i] .. rowStart[i+1]). */
export interface SparseAffinities {
  rowStart: Int32Array;
  cols: Int32Array;
  vals: Float64Array;
}

/** Conditional P_j|i for the k neighbours of each point, N×k like `nb.indices`. */
export function conditionalAffinities(nb: Neighbours, n: number, perplexity: number): Float64Array {
  const { k, squaredDistances } = nb;
  const target = Math.log(perplexity); // entropy in nats
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    // Distances relative to the nearest neighbour: the same distribution, no underflow for far points.
    const d0 = squaredDistances[o]!;
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    for (let step = 0; step < 200; step++) {
      let sum = 0;
      let weighted = 0;
      for (let t = 0; t < k; t++) {
        const dt = squaredDistances[o + t]! - d0;
        const w = Math.exp(-beta * dt);
        p[o + t] = w;
        sum += w;
        weighted += dt * w;
      }
      // Entropy of w/sum: log(sum) + beta·E[d].
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      for (let t = 0; t < k; t++) p[o + t] /= sum;
      const gap = entropy - target;
      if (Math.abs(gap) < 1e-5) break;
      // Too much entropy means too wide: raise beta (narrow the Gaussian), and the other way round.
      if (gap > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
  }
  return p;
}

/** (P_j|i + P_i|j) / 2N, as a symmetric sparse matrix summing to 1. */
export function symmetrize(nb: Neighbours, conditional: Float64Array, n: number): SparseAffinities {
  const { k, indices } = nb;
  // Every (i, j, p) is put in row i and row j; duplicates (mutual neighbours) are merged after sorting.
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      counts[i + 1]++;
      counts[indices[i * k + t]! + 1]++;
    }
  }
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i]!;
  const fill = counts.slice(0, n);
  const rawCols = new Int32Array(counts[n]!);
  const rawVals = new Float64Array(counts[n]!);
  const half = 1 / (2 * n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t]!;
      const v = conditional[i * k + t]! * half;
      rawCols[fill[i]!] = j;
      rawVals[fill[i]!++] = v;
      rawCols[fill[j]!] = i;
      rawVals[fill[j]!++] = v;
    }
  }
  const rowStart = new Int32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = counts[i]!;
    const end = counts[i + 1]!;
    const order = Array.from({ length: end - start }, (_, t) => start + t).sort((a, b) => rawCols[a]! - rawCols[b]!);
    for (const e of order) {
      if (cols.length > rowStart[i]! && cols[cols.length - 1] === rawCols[e]) vals[vals.length - 1] += rawVals[e]!;
      else {
        cols.push(rawCols[e]!);
        vals.push(rawVals[e]!);
      }
    }
    rowStart[i + 1] = cols.length;
  }
  return { rowStart, cols: Int32Array.from(cols), vals: Float64Array.from(vals) };
}
