// The dominant eigenspace of a symmetric PSD matrix at a fixed cost, for the PCA that comes before
// t-SNE and UMAP (see the function's comment). The exact solver is topEigen.ts.
import { jacobiEigen, type Eigen } from './jacobiEigen';
import { JACOBI_LIMIT, orthogonalize, topEigen } from './topEigen';
import { normalFrom, seededRandom } from './random';
import { pause } from './cooperative';

/**
 * The dominant k-dimensional eigenspace only approximately: randomized subspace iteration (Halko,
 * Martinsson & Tropp 2011) with a few power steps and a Rayleigh–Ritz step, a fixed cost of about
 * (powerSteps + 2)·n²·(k + 20). For PCA as a first step of t-SNE and UMAP, which need the
 * high-variance subspace (noise removed, neighbour search cheaper), not axes exact to rounding:
 * on the flat spectra of real features Lanczos needs hundreds of steps for k = 50.
 */
export async function approximateTopEigen(a: Float64Array, n: number, k: number, options: { powerSteps?: number; signal?: AbortSignal } = {}): Promise<Eigen> {
  k = Math.min(k, n);
  if (n <= JACOBI_LIMIT) return topEigen(a, n, k, options);
  const p = Math.min(n, k + 20);
  const normal = normalFrom(seededRandom(0x5eed));
  let q: Float64Array = new Float64Array(p * n);
  for (let t = 0; t < q.length; t++) q[t] = normal();
  orthonormalizeRows(q, p, n);
  for (let step = 0; step < (options.powerSteps ?? 6); step++) {
    q = multiplyRows(a, n, q, p);
    orthonormalizeRows(q, p, n);
    await pause(options.signal);
  }
  const w = multiplyRows(a, n, q, p);
  const h = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += q[i * n + t]! * w[j * n + t]!;
      h[i * p + j] = h[j * p + i] = s;
    }
  }
  const small = jacobiEigen(h, p);
  const vectors = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < p; j++) {
      const s = small.vectors[i * p + j]!;
      for (let t = 0; t < n; t++) vectors[i * n + t] += s * q[j * n + t]!;
    }
  }
  return { values: small.values.slice(0, k), vectors };
}

/** Row i of the result: A·(row i of q), for the symmetric n×n A. */
function multiplyRows(a: Float64Array, n: number, q: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p * n);
  for (let r = 0; r < n; r++) {
    const or = r * n;
    let i = 0;
    // Four rows of q per pass over row r of A, so its loads are shared.
    for (; i + 3 < p; i += 4) {
      const o0 = i * n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < n; t++) {
        const v = a[or + t]!;
        s0 += v * q[o0 + t]!;
        s1 += v * q[o0 + n + t]!;
        s2 += v * q[o0 + 2 * n + t]!;
        s3 += v * q[o0 + 3 * n + t]!;
      }
      out[o0 + r] = s0;
      out[o0 + n + r] = s1;
      out[o0 + 2 * n + r] = s2;
      out[o0 + 3 * n + r] = s3;
    }
    for (; i < p; i++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += a[or + t]! * q[i * n + t]!;
      out[i * n + r] = s;
    }
  }
  return out;
}

/** Modified Gram–Schmidt over the p rows of q, twice; a row that collapses is replaced by a unit vector. */
function orthonormalizeRows(q: Float64Array, p: number, n: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < p; i++) {
      const row = q.subarray(i * n, (i + 1) * n);
      orthogonalize(row, q, i, n);
      let norm = 0;
      for (let t = 0; t < n; t++) norm += row[t]! * row[t]!;
      norm = Math.sqrt(norm);
      if (norm < 1e-300) {
        row.fill(0);
        row[i % n] = 1;
      } else for (let t = 0; t < n; t++) row[t] /= norm;
    }
  }
}
