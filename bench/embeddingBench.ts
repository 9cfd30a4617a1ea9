// 2-D embeddings of feature vectors (issue 11): PCA, t-SNE and UMAP through `embed`, on 1,000 and
// 5,000 synthetic 64-D points in 10 Gaussian clusters (the shape of pooled CNN features of a
// labelled image folder). t-SNE and UMAP are printed as ratios to PCA on the same points, since
// absolute times depend on the machine; 5-NN accuracy in the map (leave-one-out, by cluster label)
// says whether the speed was bought with quality. PCA is the median of several runs; t-SNE and UMAP,
// which take seconds, one run each at their defaults (t-SNE: perplexity 30, 1,000 iterations;
// UMAP: 15 neighbours, min-dist 0.1, umap-js's epochs), seed 0. Nothing here asserts.
import { embed, neighbourAccuracy, type EmbeddingMethod } from '../src/engine/features/embedding/index';
import { normalFrom, seededRandom } from '../src/engine/features/embedding/random';
import { fmtMs, fmtRatio, measure, table, type Stat } from './timing';

export interface EmbeddingBenchRow {
  points: number;
  method: EmbeddingMethod;
  stat: Stat;
  /** Leave-one-out 5-NN accuracy of the cluster labels in the 2-D map. */
  accuracy: number;
}

const DIMENSIONS = 64;
const CLUSTERS = 10;

/**
 * n points around CLUSTERS centres, label = i mod CLUSTERS: centres N(0, 1) per axis, unit noise.
 * Centres are then as far apart as two points of one cluster (≈ 11 in 64-D): neighbours in 64-D
 * are nearly all of the same cluster, but PCA's 2-D view overlaps the clusters (5-NN ≈ 0.7), so
 * the accuracy column tells the three methods apart.
 */
function clusteredPoints(n: number, seed: number): { vectors: Float32Array[]; labels: number[] } {
  const normal = normalFrom(seededRandom(seed));
  const centres = Array.from({ length: CLUSTERS }, () => Array.from({ length: DIMENSIONS }, () => normal()));
  const vectors: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    labels.push(i % CLUSTERS);
    vectors.push(Float32Array.from(centres[i % CLUSTERS]!, (m) => m + normal()));
  }
  return { vectors, labels };
}

export async function embeddingBench(log: (line: string) => void, sizes: number[] = [1000, 5000]): Promise<EmbeddingBenchRow[]> {
  const rows: EmbeddingBenchRow[] = [];
  for (const n of sizes) {
    const { vectors, labels } = clusteredPoints(n, 1);
    let pcaStat: Stat | undefined;
    for (const method of ['pca', 'tsne', 'umap'] as const) {
      let points: [number, number][] = [];
      const slow = method !== 'pca';
      const stat = await measure(`${method} ${n} points`, async () => {
        points = (await embed(vectors, { method, seed: 0 })).points;
      }, { runs: slow ? 1 : 5, warmup: slow ? 0 : 1 });
      const accuracy = neighbourAccuracy(points, labels, 5);
      rows.push({ points: n, method, stat, accuracy });
      if (method === 'pca') pcaStat = stat;
      const vsPca = pcaStat && slow ? `, ${fmtRatio(stat.median / pcaStat.median)} PCA` : '';
      log(`  ${stat.label.padEnd(18)} ${fmtMs(stat.median).padStart(9)}${vsPca}  (5-NN accuracy ${accuracy.toFixed(3)})`);
    }
  }
  log('');
  log(
    table(
      ['points', 'method', 'time', '÷ PCA', '5-NN accuracy'],
      rows.map((r) => {
        const pcaMedian = rows.find((p) => p.points === r.points && p.method === 'pca')!.stat.median;
        return [String(r.points), r.method, fmtMs(r.stat.median), r.method === 'pca' ? '1' : fmtRatio(r.stat.median / pcaMedian), r.accuracy.toFixed(3)];
      }),
    ),
  );
  return rows;
}
