// How well a 2-D map keeps labelled groups apart: leave-one-out k-NN classification accuracy in
// the map. The standard quality number for t-SNE/UMAP layouts (used by the tests and the bench);
// brute force, N² in 2-D, which is fine up to tens of thousands of points.

/** Fraction of points whose k nearest map neighbours (excluding themselves) vote for their own label. */
export function neighbourAccuracy(points: ArrayLike<readonly [number, number]> | Float64Array, labels: ArrayLike<number>, k = 5): number {
  const n = labels.length;
  const xy = toFlat(points, n);
  const bestD = new Float64Array(k);
  const bestJ = new Int32Array(k);
  let correct = 0;
  for (let i = 0; i < n; i++) {
    bestD.fill(Infinity);
    bestJ.fill(-1);
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const dx = xy[2 * i]! - xy[2 * j]!;
      const dy = xy[2 * i + 1]! - xy[2 * j + 1]!;
      const d = dx * dx + dy * dy;
      if (d >= bestD[k - 1]!) continue;
      // Insertion into the sorted short list.
      let pos = k - 1;
      while (pos > 0 && bestD[pos - 1]! > d) {
        bestD[pos] = bestD[pos - 1]!;
        bestJ[pos] = bestJ[pos - 1]!;
        pos--;
      }
      bestD[pos] = d;
      bestJ[pos] = j;
    }
    // Majority vote; a tie goes to the label of the nearest among the tied.
    const votes = new Map<number, number>();
    for (const j of bestJ) if (j >= 0) votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
    const top = Math.max(...votes.values());
    const winner = labels[Array.from(bestJ).find((j) => j >= 0 && votes.get(labels[j]!) === top)!]!;
    if (winner === labels[i]) correct++;
  }
  return n === 0 ? 0 : correct / n;
}

function toFlat(points: ArrayLike<readonly [number, number]> | Float64Array, n: number): Float64Array {
  if (points instanceof Float64Array) return points;
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    xy[2 * i] = points[i]![0];
    xy[2 * i + 1] = points[i]![1];
  }
  return xy;
}
