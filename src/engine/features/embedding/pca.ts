// Exact principal component analysis: centre, then the top-k eigenvectors of the covariance.
// For D ≤ N the D×D covariance is decomposed; for D > N (2,048-D features of a few hundred images)
// the N×N Gram matrix XXᵀ is, which has the same non-zero eigenvalues, and each component is
// recovered as Xᵀu/√λ. Either way the cost is N·D·min(N, D) to form the matrix plus the eigen solve.
import { approximateTopEigen, topEigen } from './topEigen';
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
  if (of === 'rows') {
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += x[i * d + t]! * x[j * d + t]!;
        g[i * n + j] = g[j * n + i] = s;
      }
      if (i % 64 === 63) await pause(signal);
    }
    return g;
  }
  // Accumulate outer products row by row: reads x in order, which matters for large N.
  const c = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let a = 0; a < d; a++) {
      const xa = x[o + a]!;
      if (xa === 0) continue;
      const ca = a * d;
      for (let b = a; b < d; b++) c[ca + b] += xa * x[o + b]!;
    }
    if (i % 256 === 255) await pause(signal);
  }
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) c[b * d + a] = c[a * d + b]!;
  return c;
}
