// Seeded random numbers for the embeddings. Math.random cannot be seeded, and a map that moves
// every time the user reopens a folder is useless for comparing runs: every random choice the
// embeddings make (t-SNE's start, UMAP's start and negative samples, the eigen solver's start)
// comes from here.

/** Uniform in [0, 1) from a seed: the engine's one seeded generator (methods/seededNoise.ts). */
export { seededUniform as seededRandom } from '../../methods/seededNoise';

/** Standard normal samples from a uniform source (Box–Muller; the second value is kept for the next call). */
export function normalFrom(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const a = 2 * Math.PI * uniform();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}
