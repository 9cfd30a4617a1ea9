// Exact principal component analysis: centre, then the top-k eigenvectors of the covariance.
// For D ≤ N the D×D covariance is decomposed; for D > N (2,048-D features of a few hundred images)
// the N×N Gram matrix XXᵀ is, which has the same non-zero eigenvalues, and each component is
// recovered as Xᵀu/√λ. Either way the cost is N·D·min(N, D) to form the matrix plus the eigen solve.
import { topEigen } from './topEigen';
import { approximateTopEigen } from './randomizedEigen';
import { pause } from './cooperative';

export interface PcaResult {
  /** N×k projections onto the components, row-major. */
  points: Float64Array;
  k: number;
  /** Per component, its share of the total variance (0 when all points coincide). */
  explainedVariance: number[];
  /** k×D unit vectors, row-major; the largest-magnitude entry of each is positive. */
  components: Float64Array;
  /** The per-dimension mean that was subtracted. */
  mean: Float64Array;
}

/**
 * Rows of `data` are the N points, each of length `d`. `solver`: 'exact' converges to rounding
 * (the PCA map); 'randomized' finds the dominant subspace at a fixed cost (the reduction before
 * t-SNE and UMAP; see topEigen.ts). Matrices up to 96×96 are solved exactly either way.
 */
export async function pca(data: ArrayLike<number>[], k = 2, signal?: AbortSignal, solver: 'exact' | 'randomized' = 'exact'): Promise<PcaResult> {
  const solve = (a: Float64Array, size: number, count: number) => (solver === 'exact' ? topEigen(a, size, count, { signal }) : approximateTopEigen(a, size, count, { signal }));
  const n = data.length;
  const d = data[0]?.length ?? 0;
  const mean = new Float64Array(d);
  for (const row of data) for (let j = 0; j < d; j++) mean[j] += row[j]!;
  for (let j = 0; j < d; j++) mean[j] /= n;
  const x = new Float64Array(n * d);
  let totalSquares = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = data[i]![j]! - mean[j]!;
      x[i * d + j] = v;
      totalSquares += v * v;
    }
  }
  // The solver can only give min(N, D) components; any beyond that are zero columns.
  const solved = Math.min(k, n, d);
  const components = new Float64Array(k * d);
  const variances: number[] = new Array<number>(k).fill(0);
  if (d <= n) {
    const cov = await crossProducts(x, n, d, 'columns', signal);
    const eig = await solve(cov, d, solved);
    for (let c = 0; c < solved; c++) {
      variances[c] = Math.max(0, eig.values[c]!);
      components.set(eig.vectors.subarray(c * d, (c + 1) * d), c * d);
    }
  } else {
    const gram = await crossProducts(x, n, d, 'rows', signal);
    const eig = await solve(gram, n, solved);
    for (let c = 0; c < solved; c++) {
      const lambda = Math.max(0, eig.values[c]!);
      variances[c] = lambda;
      if (lambda <= 0) continue;
      // v = Xᵀu / √λ is the unit eigenvector of XᵀX with the same eigenvalue.
      const scale = 1 / Math.sqrt(lambda);
      for (let i = 0; i < n; i++) {
        const u = eig.vectors[c * n + i]! * scale;
        if (u === 0) continue;
        for (let j = 0; j < d; j++) components[c * d + j] += u * x[i * d + j]!;
      }
    }
  }
  // A component's sign is arbitrary; fixing it (largest-|entry| positive, first such entry on a
  // tie) makes the picture the same on every run and every machine.
  for (let c = 0; c < solved; c++) {
    let best = 0;
    for (let j = 1; j < d; j++) if (Math.abs(components[c * d + j]!) > Math.abs(components[c * d + best]!) + 1e-12) best = j;
    if (components[c * d + best]! < 0) for (let j = 0; j < d; j++) components[c * d + j] = -components[c * d + j]!;
  }
  const points = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < solved; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += x[i * d + j]! * components[c * d + j]!;
      points[i * k + c] = s;
    }
  }
  // Eigenvalues of XᵀX over the trace of XᵀX: the 1/(N−1) of the covariance cancels.
  const explainedVariance = variances.map((v) => (totalSquares > 0 ? v / totalSquares : 0));
  return { points, k, explainedVariance, components, mean };
}

/** XᵀX ('columns', D×D) or XXᵀ ('rows', N×N) of the N×D matrix x; symmetric, so half is computed. */
async function crossProducts(x: Float64Array, n: number, d: number, of: 'columns' | 'rows', signal?: AbortSignal): Promise<Float64Array> {
  if (of === 'rows') return rowProducts(x, n, d, signal);
  // XᵀX as the row products of Xᵀ: dot products of contiguous columns stay in cache, where
  // accumulating N outer products would stream the whole D×D matrix through memory N times.
  const xt = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = x[i * d + j]!;
  return rowProducts(xt, d, n, signal);
}

/** M·Mᵀ of the rows×len matrix m: four dot products per pass over row i, so its loads are shared. */
async function rowProducts(m: Float64Array, rows: number, len: number, signal?: AbortSignal): Promise<Float64Array> {
  const g = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    const oi = i * len;
    let j = i;
    for (; j + 3 < rows; j += 4) {
      const o0 = j * len;
      const o1 = o0 + len;
      const o2 = o1 + len;
      const o3 = o2 + len;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < len; t++) {
        const v = m[oi + t]!;
        s0 += v * m[o0 + t]!;
        s1 += v * m[o1 + t]!;
        s2 += v * m[o2 + t]!;
        s3 += v * m[o3 + t]!;
      }
      g[i * rows + j] = g[j * rows + i] = s0;
      g[i * rows + j + 1] = g[(j + 1) * rows + i] = s1;
      g[i * rows + j + 2] = g[(j + 2) * rows + i] = s2;
      g[i * rows + j + 3] = g[(j + 3) * rows + i] = s3;
    }
    for (; j < rows; j++) {
      let s = 0;
      for (let t = 0; t < len; t++) s += m[oi + t]! * m[j * len + t]!;
      g[i * rows + j] = g[j * rows + i] = s;
    }
    if (i % 16 === 15) await pause(signal);
  }
  return g;
}
