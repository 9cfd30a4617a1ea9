// Seeded random numbers for the embeddings. Math.random cannot be seeded, and a map that moves
// every time the user reopens a folder is useless for comparing runs: every random choice the
// embeddings make (t-SNE's start, UMAP's start and negative samples, the eigen solver's start)
// comes from here.

/** Uniform in [0, 1), from a 32-bit seed (mulberry32: tiny, fast, and good enough for layouts). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
