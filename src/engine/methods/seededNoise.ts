/**
 * Reproducible randomness: the same seed gives the same samples on every backend and platform
 * (tf.randomNormal's seeding differs between backends).
 */

/** Uniform numbers in [0, 1) from a seed (mulberry32: small, fast, and good enough for noise and jitter). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussianNoise(seed: number): (count: number, sigma: number) => Float32Array {
  const uniform = seededUniform(seed);
  return (count, sigma) => {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i += 2) {
      // Box–Muller gives two independent normals per pair of uniforms.
      const r = Math.sqrt(-2 * Math.log(1 - uniform()));
      const theta = 2 * Math.PI * uniform();
      out[i] = sigma * r * Math.cos(theta);
      if (i + 1 < count) out[i + 1] = sigma * r * Math.sin(theta);
    }
    return out;
  };
}
