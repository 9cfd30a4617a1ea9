// Every eigenvalue and eigenvector of a small symmetric matrix, by cyclic Jacobi rotations.
// Jacobi is chosen over QR-style solvers because it is short, needs no tuning, and is accurate to
// rounding on every eigenpair (relative accuracy even for tiny eigenvalues); its O(n³) per sweep
// is fine for the sizes it sees here (PCA's small covariances and the Rayleigh–Ritz step of
// `topEigen.ts`).

export interface Eigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as rows (row i belongs to values[i]), n×n row-major, unit length. */
  vectors: Float64Array;
}

/** `a` is n×n row-major and symmetric; it is not modified. */
export function jacobiEigen(a: Float64Array, n: number): Eigen {
  const m = Float64Array.from(a);
  // v's columns become the eigenvectors: v = product of all rotations.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += m[i]! * m[i]!;
  // Stop when what is left off the diagonal is below rounding of the whole matrix.
  const tiny = total * 1e-32;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q]! * m[p * n + q]!;
    if (off <= tiny) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        // The rotation angle that zeroes m[p][q]; the smaller root t keeps the rotation under 45°,
        // which is what makes the method converge.
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // m ← Jᵀ m J, columns then rows.
        for (let k = 0; k < n; k++) {
          const kp = m[k * n + p]!;
          const kq = m[k * n + q]!;
          m[k * n + p] = c * kp - s * kq;
          m[k * n + q] = s * kp + c * kq;
        }
        for (let k = 0; k < n; k++) {
          const pk = m[p * n + k]!;
          const qk = m[q * n + k]!;
          m[p * n + k] = c * pk - s * qk;
          m[q * n + k] = s * pk + c * qk;
        }
        m[p * n + q] = 0;
        m[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const kp = v[k * n + p]!;
          const kq = v[k * n + q]!;
          v[k * n + p] = c * kp - s * kq;
          v[k * n + q] = s * kp + c * kq;
        }
      }
    }
  }
  // Sort largest first; ties keep their index order so the result is deterministic.
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, row) => {
    values[row] = m[col * n + col]!;
    for (let k = 0; k < n; k++) vectors[row * n + k] = v[k * n + col]!;
  });
  return { values, vectors };
}
