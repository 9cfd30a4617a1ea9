// Barnes–Hut t-SNE (van der Maaten 2014), written here because no npm package fits. Measured on
// 64-D clustered points, 1,000 iterations: @keckelt/tsne (karpathy's tsnejs) is exact O(N²),
// 45 s at 1,000 points and 2.7 s per iteration at 5,000 (≈ 45 min), and draws from Math.random
// (no seed); tsne (the same code) likewise; tsne-js is exact too (its Barnes–Hut flag is
// unimplemented), 372 s at 1,000 points; bhtsne compiles and spawns a native binary with temporary
// files. This one: ~2–4 s at 1,000 points, ~25 s at 5,000, 5-NN accuracy as the exact ones
// (bench/embeddingBench.ts). Steps: exact kNN (3·perplexity neighbours), per-point Gaussian widths by binary
// search on the perplexity, sparse symmetric P; then gradient descent with early exaggeration,
// momentum and per-coordinate gains, the repulsion from a quadtree (θ = 0.5).
import { nearestNeighbours } from './knn';
import { conditionalAffinities, symmetrize } from './affinities';
import { QuadTree } from './quadtree';
import { normalFrom, seededRandom } from './random';
import { pause } from './cooperative';

export interface TsneOptions {
  perplexity: number;
  iterations: number;
  seed: number;
  /** Barnes–Hut accuracy: a cell is summarized when width/distance < theta (0 would be exact). */
  theta?: number;
}

/** As in scikit-learn and openTSNE. */
const EXAGGERATION = 12;
const EXAGGERATION_ITERATIONS = 250;
/** Iterations between yields to the event loop (one iteration at N = 5,000 is ~10 ms). */
const YIELD_EVERY = 20;

/**
 * Embeds the N×d row-major points `x` in 2-D; returns N×2 row-major. Progress: the first tenth is
 * the neighbour search, the rest the iterations.
 */
export async function tsne(x: Float64Array, n: number, d: number, options: TsneOptions, onProgress?: (fraction: number) => void, signal?: AbortSignal): Promise<Float64Array> {
  const { perplexity, iterations, seed } = options;
  const theta = options.theta ?? 0.5;
  const k = Math.min(n - 1, Math.floor(3 * perplexity));
  const nb = await nearestNeighbours(x, n, d, k, (f) => onProgress?.(0.1 * f), signal);
  const p = symmetrize(nb, conditionalAffinities(nb, n, perplexity), n);
  await pause(signal);

  // Small random start (std 1e-4) so the early, exaggerated phase can form clusters freely.
  const normal = normalFrom(seededRandom(seed));
  const y = new Float64Array(2 * n);
  for (let t = 0; t < y.length; t++) y[t] = 1e-4 * normal();
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const attract = new Float64Array(2 * n);
  const repel = new Float64Array(2 * n);
  const tree = new QuadTree(n);
  // Learning rate N / exaggeration / 4 (Belkina et al. 2019, scikit-learn's 'auto'), at least 50.
  const learningRate = Math.max(n / EXAGGERATION / 4, 50);
  // Short runs (previews, tests) keep a quarter of their iterations for the exaggerated phase.
  const exaggerated = Math.min(EXAGGERATION_ITERATIONS, Math.round(iterations / 4));
  const theta2 = theta * theta;

  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < exaggerated ? EXAGGERATION : 1;
    const momentum = it < exaggerated ? 0.5 : 0.8;
    attract.fill(0);
    repel.fill(0);
    // Attraction: Σ_j p_ij q_ij (y_i − y_j) over the sparse neighbours.
    for (let i = 0; i < n; i++) {
      const yi0 = y[2 * i]!;
      const yi1 = y[2 * i + 1]!;
      let a0 = 0;
      let a1 = 0;
      for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
        const j = p.cols[e]!;
        const d0 = yi0 - y[2 * j]!;
        const d1 = yi1 - y[2 * j + 1]!;
        const f = (exaggeration * p.vals[e]!) / (1 + d0 * d0 + d1 * d1);
        a0 += f * d0;
        a1 += f * d1;
      }
      attract[2 * i] = a0;
      attract[2 * i + 1] = a1;
    }
    // Repulsion: Σ_j q_ij² (y_i − y_j) / Z, Z = Σ_{i≠j} q_ij, from the quadtree.
    tree.build(y, n);
    let z = 0;
    for (let i = 0; i < n; i++) z += tree.repulse(i, y, theta2, repel);
    const invZ = z > 0 ? 1 / z : 0;
    let mean0 = 0;
    let mean1 = 0;
    for (let t = 0; t < 2 * n; t++) {
      const grad = 4 * (attract[t]! - repel[t]! * invZ);
      // Gains grow where the gradient keeps its direction against the last step and shrink where it flips.
      const g = grad * update[t]! < 0 ? gains[t]! + 0.2 : gains[t]! * 0.8;
      gains[t] = Math.max(g, 0.01);
      update[t] = momentum * update[t]! - learningRate * gains[t]! * grad;
      y[t] += update[t]!;
      if (t % 2 === 0) mean0 += y[t]!;
      else mean1 += y[t]!;
    }
    // Only relative positions matter; re-centring keeps the quadtree's box from drifting.
    mean0 /= n;
    mean1 /= n;
    for (let i = 0; i < n; i++) {
      y[2 * i] -= mean0;
      y[2 * i + 1] -= mean1;
    }
    if (it % YIELD_EVERY === YIELD_EVERY - 1) {
      onProgress?.(0.1 + (0.9 * (it + 1)) / iterations);
      await pause(signal);
    }
  }
  onProgress?.(1);
  return y;
}
