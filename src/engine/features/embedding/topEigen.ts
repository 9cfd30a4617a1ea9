// The k largest eigenpairs of a symmetric positive semi-definite matrix (a covariance or a Gram
// matrix). Small matrices go to Jacobi whole. Large ones (a 2,048-D feature covariance) would cost
// Jacobi many seconds for eigenvectors we throw away, so they use block subspace iteration with a
// Rayleigh–Ritz step: a few extra vectors beyond k speed convergence (the rate is λ_{p+1}/λ_k), and
// it runs until every wanted Ritz pair's residual ‖Av − λv‖ is below 1e-12·λ₁, i.e. to rounding,
// not to a fixed iteration count.
import { jacobiEigen, type Eigen } from './jacobiEigen';
import { seededRandom, normalFrom } from './random';
import { pause } from './cooperative';

/** Matrices up to this size are solved whole by Jacobi. */
const JACOBI_LIMIT = 96;
const MAX_ITERATIONS = 3000;
const TOLERANCE = 1e-12;

/** k largest eigenpairs of the n×n symmetric PSD matrix `a` (row-major). Vectors as rows, k×n. */
export async function topEigen(a: Float64Array, n: number, k: number, signal?: AbortSignal): Promise<Eigen> {
  k = Math.min(k, n);
  if (n <= JACOBI_LIMIT) {
    const all = jacobiEigen(a, n);
    return { values: all.values.slice(0, k), vectors: all.vectors.slice(0, k * n) };
  }
  const p = Math.min(n, k + Math.max(10, k));
  // The start block is random but seeded, so the result never depends on the run.
  const normal = normalFrom(seededRandom(0x5eed));
  let q: Float64Array = new Float64Array(p * n); // p rows of length n
  for (let i = 0; i < q.length; i++) q[i] = normal();
  orthonormalizeRows(q, p, n);
  let values: Float64Array = new Float64Array(p);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const w = multiplyRows(a, n, q, p); // rows: A·qᵢ
    // Rayleigh–Ritz: the best approximations to eigenpairs within span(q).
    const h = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++) h[i * p + j] = h[j * p + i] = dot(q, i * n, w, j * n, n);
    const small = jacobiEigen(h, p);
    values = small.values;
    const ritz = combineRows(small.vectors, p, q, n);
    const aRitz = combineRows(small.vectors, p, w, n);
    let worst = 0;
    for (let i = 0; i < k; i++) {
      let r = 0;
      for (let j = 0; j < n; j++) {
        const d = aRitz[i * n + j]! - values[i]! * ritz[i * n + j]!;
        r += d * d;
      }
      worst = Math.max(worst, Math.sqrt(r));
    }
    if (worst <= TOLERANCE * Math.max(Math.abs(values[0]!), Number.MIN_VALUE)) {
      return { values: values.slice(0, k), vectors: ritz.slice(0, k * n) };
    }
    // Next block: A applied to the Ritz vectors (already computed), orthonormalized.
    q = aRitz;
    orthonormalizeRows(q, p, n);
    if (iteration % 8 === 7) await pause(signal);
  }
  // Not converged to rounding (nearly equal eigenvalues at k): the subspace is still right.
  const last = multiplyRows(a, n, q, p);
  const h = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) h[i * p + j] = h[j * p + i] = dot(q, i * n, last, j * n, n);
  const small = jacobiEigen(h, p);
  return { values: small.values.slice(0, k), vectors: combineRows(small.vectors, p, q, n).slice(0, k * n) };
}

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += x[xo + j]! * y[yo + j]!;
  return s;
}

/** Rows of the result: A·(row i of q); A symmetric so A·x is x's dot with A's rows. */
function multiplyRows(a: Float64Array, n: number, q: Float64Array, p: number): Float64Array {
  const out = new Float64Array(p * n);
  for (let r = 0; r < n; r++) for (let i = 0; i < p; i++) out[i * n + r] = dot(a, r * n, q, i * n, n);
  return out;
}

/** Row i of the result: Σⱼ c[i][j]·(row j of x); c is p×p, x is p×n. */
function combineRows(c: Float64Array, p: number, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(p * n);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const cij = c[i * p + j]!;
      if (cij === 0) continue;
      for (let t = 0; t < n; t++) out[i * n + t] += cij * x[j * n + t]!;
    }
  }
  return out;
}

/** Modified Gram–Schmidt, twice ("twice is enough") so the block stays orthonormal to rounding. */
function orthonormalizeRows(q: Float64Array, p: number, n: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < i; j++) {
        const d = dot(q, i * n, q, j * n, n);
        for (let t = 0; t < n; t++) q[i * n + t] -= d * q[j * n + t]!;
      }
      const norm = Math.sqrt(dot(q, i * n, q, i * n, n));
      // A collapsed direction (A has rank < p) is replaced by a fixed unit vector and re-orthogonalized next pass.
      if (norm < 1e-300) {
        q.fill(0, i * n, (i + 1) * n);
        q[i * n + (i % n)] = 1;
      } else for (let t = 0; t < n; t++) q[i * n + t] /= norm;
    }
  }
}
