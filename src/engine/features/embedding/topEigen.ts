// The k largest eigenpairs of a symmetric positive semi-definite matrix (a covariance or a Gram
// matrix). Small matrices go to Jacobi whole. Large ones (the 2,048×2,048 covariance of ResNet
// features) use Lanczos with full reorthogonalization: a Krylov basis finds the extreme eigenpairs
// in far fewer matrix–vector products than block power iteration, which on the flat spectra of
// real features needed thousands of iterations (minutes at N = 2,000, D = 2,048). The basis grows
// until every wanted Ritz pair's residual ‖Av − θv‖ is below `tolerance`·θ₁ (1e-12 by default:
// converged to rounding, not to a fixed step count). Deterministic: the start vector is seeded.
import { jacobiEigen, type Eigen } from './jacobiEigen';
import { seededRandom, normalFrom } from './random';
import { pause } from './cooperative';

/** Matrices up to this size are solved whole by Jacobi. */
export const JACOBI_LIMIT = 96;

export interface TopEigenOptions {
  /** Relative residual at which a Ritz pair counts as converged. */
  tolerance?: number;
  signal?: AbortSignal;
}

/** k largest eigenpairs of the n×n symmetric PSD matrix `a` (row-major). Vectors as rows, k×n. */
export async function topEigen(a: Float64Array, n: number, k: number, options: TopEigenOptions = {}): Promise<Eigen> {
  k = Math.min(k, n);
  if (n <= JACOBI_LIMIT) {
    const all = jacobiEigen(a, n);
    return { values: all.values.slice(0, k), vectors: all.vectors.slice(0, k * n) };
  }
  const tolerance = options.tolerance ?? 1e-12;
  const normal = normalFrom(seededRandom(0x5eed));
  // Krylov basis q (rows), and the tridiagonal T = Qᵀ A Q: diagonal alpha, off-diagonal beta.
  let q = new Float64Array(Math.min(n, 2 * k + 40) * n);
  const alpha: number[] = [];
  const beta: number[] = [];
  const w = new Float64Array(n);
  let m = 0; // basis vectors so far
  let nextCheck = Math.min(n, Math.max(2 * k + 20, 30));
  const start = () => {
    // A fresh direction, orthogonal to the basis: at the start, and when the Krylov space closes
    // (an invariant subspace: rank-deficient A, or repeated eigenvalues).
    for (let t = 0; t < n; t++) w[t] = normal();
    orthogonalize(w, q, m, n);
    let norm = 0;
    for (let t = 0; t < n; t++) norm += w[t]! * w[t]!;
    norm = Math.sqrt(norm);
    for (let t = 0; t < n; t++) w[t] /= norm;
  };
  start();
  for (;;) {
    if ((m + 1) * n > q.length) {
      const bigger = new Float64Array(Math.min(n, 2 * (m + 1)) * n);
      bigger.set(q);
      q = bigger;
    }
    q.set(w, m * n);
    m++;
    // w = A q_m, minus its components along the whole basis (twice, so rounding cannot bring back
    // directions already found: the "ghost" eigenvalues of plain Lanczos).
    const o = (m - 1) * n;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += a[r * n + t]! * q[o + t]!;
      w[r] = s;
    }
    let al = 0;
    for (let t = 0; t < n; t++) al += w[t]! * q[o + t]!;
    alpha.push(al);
    orthogonalize(w, q, m, n);
    const b = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    if (m === n || m >= nextCheck) {
      const result = ritz(alpha, beta, b, q, m, n, k, tolerance);
      if (result || m === n) return result ?? ritz(alpha, beta, 0, q, m, n, k, Infinity)!;
      nextCheck = Math.min(n, Math.ceil(1.5 * m));
      await pause(options.signal);
    }
    const scale = Math.max(Math.abs(alpha[0]!), ...alpha.map(Math.abs));
    if (b <= 1e-10 * scale) {
      // The Krylov space is invariant: T decouples here (β = 0) and a new direction continues it.
      beta.push(0);
      start();
    } else {
      beta.push(b);
      for (let t = 0; t < n; t++) w[t] /= b;
    }
  }
}

/** Ritz pairs of the m-step basis if the k largest have converged (residual β_m·|last entry of s|), else undefined. */
function ritz(alpha: number[], beta: number[], lastBeta: number, q: Float64Array, m: number, n: number, k: number, tolerance: number): Eigen | undefined {
  const t = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    t[i * m + i] = alpha[i]!;
    if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i]!;
  }
  const small = jacobiEigen(t, m);
  const top = Math.max(Math.abs(small.values[0]!), Number.MIN_VALUE);
  for (let i = 0; i < k; i++) if (lastBeta * Math.abs(small.vectors[i * m + m - 1]!) > tolerance * top) return undefined;
  const vectors = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < m; j++) {
      const s = small.vectors[i * m + j]!;
      if (s === 0) continue;
      for (let c = 0; c < n; c++) vectors[i * n + c] += s * q[j * n + c]!;
    }
  }
  return { values: small.values.slice(0, k), vectors };
}

/** w minus its projection on the first m rows of q (orthonormal), Gram–Schmidt twice ("twice is enough"). */
export function orthogonalize(w: Float64Array, q: Float64Array, m: number, n: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < m; j++) {
      let d = 0;
      for (let t = 0; t < n; t++) d += w[t]! * q[j * n + t]!;
      for (let t = 0; t < n; t++) w[t] -= d * q[j * n + t]!;
    }
  }
}
