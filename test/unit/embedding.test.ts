// Issue 11: 2-D maps of feature vectors. PCA against hand-computed answers (a line, a rotated
// ellipse, the Gram-matrix path against the covariance path); the pieces of our Barnes–Hut t-SNE
// against brute force (kNN, perplexity calibration, the quadtree at θ = 0); t-SNE and UMAP
// seeded and separating well-separated clusters; invalid options; cancel.
import { describe, expect, it } from 'vitest';
import { embed, neighbourAccuracy, pca } from '../../src/engine/features/embedding/index';
import { jacobiEigen } from '../../src/engine/features/embedding/jacobiEigen';
import { topEigen } from '../../src/engine/features/embedding/topEigen';
import { approximateTopEigen } from '../../src/engine/features/embedding/randomizedEigen';
import { nearestNeighbours } from '../../src/engine/features/embedding/knn';
import { conditionalAffinities, symmetrize } from '../../src/engine/features/embedding/affinities';
import { QuadTree } from '../../src/engine/features/embedding/quadtree';
import { normalFrom, seededRandom } from '../../src/engine/features/embedding/random';
import { UserError } from '../../src/engine/errors';
import { CancelledError } from '../../src/engine/methods/types';

/**
 * n points in c Gaussian clusters in d dimensions, label = i mod c: unit noise per axis, centres
 * N(0, centreSpread²) per axis. At centreSpread 1 in 64-D, centres are as far apart as two points of
 * one cluster (≈ 11): separate for neighbours in 64-D, but PCA's best 2-D view overlaps them.
 */
function clusters(n: number, d: number, c: number, seed: number, centreSpread = 1): { vectors: Float32Array[]; labels: number[] } {
  const normal = normalFrom(seededRandom(seed));
  const centres = Array.from({ length: c }, () => Array.from({ length: d }, () => centreSpread * normal()));
  const vectors: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    labels.push(i % c);
    vectors.push(Float32Array.from(centres[i % c]!, (m) => m + normal()));
  }
  return { vectors, labels };
}

function randomMatrix(rows: number, cols: number, seed: number): number[][] {
  const normal = normalFrom(seededRandom(seed));
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => normal()));
}

describe('PCA', () => {
  it('points on a line: one component along it, all the variance, projections = signed distances', async () => {
    const data = [-2, -1, 0, 1, 2].map((t) => [3 + t, -1 + 2 * t]);
    const r = await pca(data, 2);
    expect(r.explainedVariance[0]).toBeCloseTo(1, 12);
    expect(r.explainedVariance[1]).toBeCloseTo(0, 12);
    // (1, 2)/√5, the larger entry positive.
    expect(r.components[0]).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(r.components[1]).toBeCloseTo(2 / Math.sqrt(5), 12);
    [-2, -1, 0, 1, 2].forEach((t, i) => {
      expect(r.points[2 * i]).toBeCloseTo(t * Math.sqrt(5), 12);
      expect(r.points[2 * i + 1]).toBeCloseTo(0, 12);
    });
  });

  it('a rotated, shifted ellipse: its axes, a²/(a²+b²) of the variance on the major one', async () => {
    const a = 3;
    const b = 1;
    const phi = 0.4;
    const m = 12;
    const data = Array.from({ length: m }, (_, i) => {
      const th = (2 * Math.PI * i) / m;
      const u = a * Math.cos(th);
      const v = b * Math.sin(th);
      return [5 + u * Math.cos(phi) - v * Math.sin(phi), -2 + u * Math.sin(phi) + v * Math.cos(phi)];
    });
    const r = await pca(data, 2);
    expect(r.explainedVariance[0]).toBeCloseTo(0.9, 10);
    expect(r.explainedVariance[1]).toBeCloseTo(0.1, 10);
    // Major axis (cos φ, sin φ): cos φ is the larger entry, so positive; minor (−sin φ, cos φ) likewise.
    expect(r.components[0]).toBeCloseTo(Math.cos(phi), 10);
    expect(r.components[1]).toBeCloseTo(Math.sin(phi), 10);
    expect(r.components[2]).toBeCloseTo(-Math.sin(phi), 10);
    expect(r.components[3]).toBeCloseTo(Math.cos(phi), 10);
    expect(r.points[0]).toBeCloseTo(a, 10); // θ = 0 lies on the positive major axis
    expect(r.points[1]).toBeCloseTo(0, 10);
  });

  it('D > N (Gram matrix) agrees with the eigenvectors of the D×D covariance', async () => {
    const data = randomMatrix(6, 9, 3);
    const r = await pca(data, 3);
    const mean = r.mean;
    const cov = new Float64Array(81);
    for (const row of data) for (let p = 0; p < 9; p++) for (let q = 0; q < 9; q++) cov[p * 9 + q] += (row[p]! - mean[p]!) * (row[q]! - mean[q]!);
    const eig = jacobiEigen(cov, 9);
    let trace = 0;
    for (let p = 0; p < 9; p++) trace += cov[p * 9 + p]!;
    for (let c = 0; c < 3; c++) {
      expect(r.explainedVariance[c]).toBeCloseTo(eig.values[c]! / trace, 10);
      // Same direction up to sign.
      let dotProduct = 0;
      for (let j = 0; j < 9; j++) dotProduct += r.components[c * 9 + j]! * eig.vectors[c * 9 + j]!;
      expect(Math.abs(dotProduct)).toBeCloseTo(1, 9);
    }
  });

  it('large matrices: Lanczos gives the same top eigenpairs as Jacobi; the randomized solver nearly', async () => {
    const n = 120;
    const x = randomMatrix(n, n, 5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < n; t++) a[i * n + j] += x[t]![i]! * x[t]![j]!;
    const full = jacobiEigen(a, n);
    const top = await topEigen(a, n, 5);
    for (let c = 0; c < 5; c++) {
      expect(Math.abs(top.values[c]! - full.values[c]!) / full.values[0]!).toBeLessThan(1e-10);
      let d = 0;
      for (let j = 0; j < n; j++) d += top.vectors[c * n + j]! * full.vectors[c * n + j]!;
      expect(Math.abs(d)).toBeCloseTo(1, 9);
    }
    // The dominant 5-D subspace: the top eigenvector lies in it, the top eigenvalue is found.
    const rough = await approximateTopEigen(a, n, 5);
    expect(Math.abs(rough.values[0]! - full.values[0]!) / full.values[0]!).toBeLessThan(1e-3);
    let inside = 0;
    for (let c = 0; c < 5; c++) {
      let d = 0;
      for (let j = 0; j < n; j++) d += rough.vectors[c * n + j]! * full.vectors[j]!;
      inside += d * d;
    }
    expect(inside).toBeGreaterThan(0.99);
  });
});

describe('t-SNE building blocks', () => {
  const n = 60;
  const d = 5;
  const x = Float64Array.from(randomMatrix(n, d, 7).flat());
  const dist2 = (i: number, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (x[i * d + t]! - x[j * d + t]!) ** 2;
    return s;
  };

  it('exact nearest neighbours, nearest first', async () => {
    const nb = await nearestNeighbours(x, n, d, 7);
    for (let i = 0; i < n; i++) {
      const expected = Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== i)
        .sort((p, q) => dist2(i, p) - dist2(i, q))
        .slice(0, 7);
      expect(Array.from(nb.indices.subarray(i * 7, i * 7 + 7))).toEqual(expected);
    }
  });

  it('each point’s conditional distribution has the requested perplexity; P is symmetric and sums to 1', async () => {
    const nb = await nearestNeighbours(x, n, d, 30);
    const cond = conditionalAffinities(nb, n, 10);
    for (let i = 0; i < n; i++) {
      let h = 0;
      for (let t = 0; t < 30; t++) {
        const p = cond[i * 30 + t]!;
        if (p > 0) h -= p * Math.log(p);
      }
      expect(Math.exp(h)).toBeCloseTo(10, 3);
    }
    const p = symmetrize(nb, cond, n);
    const at = (i: number, j: number) => {
      for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) if (p.cols[e] === j) return p.vals[e]!;
      return 0;
    };
    expect(p.vals.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < n; i++) for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) expect(at(p.cols[e]!, i)).toBe(p.vals[e]);
  });

  it('quadtree repulsion at θ = 0 is the exact sum, also with coincident points', () => {
    const m = 50;
    const y = Float64Array.from(randomMatrix(m, 2, 9).flat());
    y[2 * 7] = y[2 * 3]!; // point 7 on top of point 3
    y[2 * 7 + 1] = y[2 * 3 + 1]!;
    const tree = new QuadTree(m);
    tree.build(y, m);
    const force = new Float64Array(2 * m);
    for (let i = 0; i < m; i++) {
      const z = tree.repulse(i, y, 0, force);
      let ez = 0;
      let fx = 0;
      let fy = 0;
      for (let j = 0; j < m; j++) {
        if (j === i) continue;
        const dx = y[2 * i]! - y[2 * j]!;
        const dy = y[2 * i + 1]! - y[2 * j + 1]!;
        const q = 1 / (1 + dx * dx + dy * dy);
        ez += q;
        fx += q * q * dx;
        fy += q * q * dy;
      }
      expect(z).toBeCloseTo(ez, 10);
      expect(force[2 * i]).toBeCloseTo(fx, 10);
      expect(force[2 * i + 1]).toBeCloseTo(fy, 10);
    }
  });
});

describe('embed', () => {
  const small = clusters(120, 20, 4, 11, 3);

  for (const method of ['tsne', 'umap'] as const) {
    it(`${method}: same seed, same map; another seed, another map`, async () => {
      const opts = { method, iterations: 200, perplexity: 15, neighbors: 10 }; // iterations: t-SNE only
      const a = await embed(small.vectors, { ...opts, seed: 1 });
      const b = await embed(small.vectors, { ...opts, seed: 1 });
      const c = await embed(small.vectors, { ...opts, seed: 2 });
      expect(b.points).toEqual(a.points);
      expect(c.points).not.toEqual(a.points);
      expect(a.points.every(([p, q]) => Number.isFinite(p) && Number.isFinite(q))).toBe(true);
    });
  }

  it('10 well-separated clusters in 64-D (300 points): 5-NN accuracy in the map ≥ 0.95 (PCA’s is far lower)', async () => {
    const { vectors, labels } = clusters(300, 64, 10, 1);
    const linear = await embed(vectors, { method: 'pca' });
    expect(neighbourAccuracy(linear.points, labels, 5)).toBeLessThan(0.85);
    for (const method of ['tsne', 'umap'] as const) {
      const r = await embed(vectors, { method, seed: 0 });
      expect(r.points).toHaveLength(300);
      expect(neighbourAccuracy(r.points, labels, 5), method).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('pca through embed: points and explained variance, deterministic', async () => {
    const r = await embed(small.vectors, { method: 'pca' });
    const again = await embed(small.vectors, { method: 'pca' });
    expect(r.explainedVariance).toHaveLength(2);
    expect(r.explainedVariance![0]!).toBeGreaterThanOrEqual(r.explainedVariance![1]!);
    expect(again.points).toEqual(r.points);
  });

  it('rejects invalid input with what is wrong and the allowed range', async () => {
    const v = small.vectors.slice(0, 20);
    const cases: [Parameters<typeof embed>[1], RegExp, Float32Array[]?][] = [
      [{ method: 'tsne' }, /perplexity must be at least 1 and less than the number of points \(20\); got 30 \(the default/],
      [{ method: 'tsne', perplexity: 20 }, /perplexity .* less than the number of points \(20\); got 20/],
      [{ method: 'tsne', perplexity: 0.5 }, /perplexity must be at least 1/],
      [{ method: 'umap', neighbors: 20 }, /neighbors must be an integer at least 2 and less than the number of points \(20\); got 20/],
      [{ method: 'umap', neighbors: 5.5 }, /neighbors must be an integer/],
      [{ method: 'umap', neighbors: 5, minDist: 2 }, /minDist must be from 0 to 1; got 2/],
      [{ method: 'tsne', perplexity: 5, iterations: 0 }, /iterations must be an integer from 1 to 100000; got 0/],
      [{ method: 'pca', seed: -1 }, /seed must be an integer from 0 to 4294967295; got -1/],
      [{ method: 'mds' as never }, /Unknown embedding method "mds": use one of pca, tsne, umap/],
      [{ method: 'pca' }, /at least 3 feature vectors; got 2/, v.slice(0, 2)],
      [{ method: 'pca' }, /vector 1 has length 3; vector 0 has 20/, [v[0]!, new Float32Array(3), v[2]!]],
      [{ method: 'pca' }, /vector 1 has a non-finite value \(NaN\) at index 4/, [v[0]!, Float32Array.from(v[1]!, (x, j) => (j === 4 ? NaN : x)), v[2]!]],
    ];
    for (const [options, message, vectors] of cases) {
      const failure = embed(vectors ?? v, options);
      await expect(failure).rejects.toThrow(UserError);
      await expect(failure).rejects.toThrow(message);
    }
  });

  it('abort stops a run early with CancelledError', async () => {
    const { vectors } = clusters(400, 64, 10, 2);
    for (const method of ['tsne', 'umap'] as const) {
      const controller = new AbortController();
      let last = 0;
      const run = embed(vectors, { method, iterations: 3000 }, (f) => {
        last = f;
        if (f > 0.2) controller.abort();
      }, controller.signal);
      await expect(run).rejects.toThrow(CancelledError);
      expect(last).toBeLessThan(0.5);
    }
    const aborted = new AbortController();
    aborted.abort();
    await expect(embed(vectors, { method: 'pca' }, undefined, aborted.signal)).rejects.toThrow(CancelledError);
  });
});
