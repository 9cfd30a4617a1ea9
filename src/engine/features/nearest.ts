/** How two feature vectors are compared: 1 − cosine similarity, or straight-line distance. */
export type Metric = 'cosine' | 'euclidean';
export const metrics: readonly Metric[] = ['cosine', 'euclidean'];

/**
 * Distance between two vectors of the same length, in float64. Cosine distance of a vector with
 * itself is exactly 0 (√(a·a · a·a) rounds back to a·a), and a zero vector is at distance 1 from
 * everything (no direction), not NaN.
 */
export function distance(a: ArrayLike<number>, b: ArrayLike<number>, metric: Metric): number {
  if (a.length !== b.length) throw new Error(`distance: vectors of ${a.length} and ${b.length} values`);
  if (metric === 'euclidean') {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i]! - b[i]!;
      s += d * d;
    }
    return Math.sqrt(s);
  }
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  if (aa === 0 || bb === 0) return aa === bb ? 0 : 1;
  return Math.max(0, 1 - dot / Math.sqrt(aa * bb));
}

export interface Ranked<T> {
  item: T;
  distance: number;
}

/** The k items nearest to `query`, nearest first; ties keep the items' order (stable). */
export function nearest<T>(query: ArrayLike<number>, items: readonly T[], vectorOf: (item: T) => ArrayLike<number>, k: number, metric: Metric): Ranked<T>[] {
  return items
    .map((item, index) => ({ item, index, distance: distance(query, vectorOf(item), metric) }))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, k)
    .map(({ item, distance: d }) => ({ item, distance: d }));
}
