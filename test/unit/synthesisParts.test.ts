// The pieces of the render loop, each checked on small arrays against what it claims: the
// regularizers (blur, clipping, total variation, decay), the transforms, the Fourier
// parameterization (against a direct inverse DFT) and the optimizers' first steps.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { clipSmallContribution, clipSmallNorm, decay, gaussianBlur, gaussianKernel, l2FromGrey, totalVariation } from '../../src/engine/synthesis/regularizers';
import { jitter, pad, randomRoll, randomScale, roll, rotate } from '../../src/engine/synthesis/transforms';
import { fourierParameterization, initialSpectrum, pixelParameterization } from '../../src/engine/synthesis/parameterization';
import { adam, gradientAscent } from '../../src/engine/synthesis/optimizers';
import { seededUniform } from '../../src/engine/methods/seededNoise';
import { redirectedRule } from '../../src/engine/synthesis/redirectedRelu';
import { seededValues } from './support/tinyModels';
import { useWasm } from './support/backend';

beforeAll(useWasm);

const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** Σ of the squared Laplacian: the energy of the highest spatial frequencies. */
function highFrequencyEnergy(x: tf.Tensor4D): number {
  return tf.tidy(() => {
    const c = x.shape[3];
    const k = tf.tile(tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]), [1, 1, c, 1]) as tf.Tensor4D;
    return tf.sum(tf.square(tf.depthwiseConv2d(x, k, 1, 'valid'))).dataSync()[0]!;
  });
}

function noLeak<T>(f: () => T): T {
  const before = tf.memory().numTensors;
  const out = f();
  expect(tf.memory().numTensors).toBe(before + (out instanceof tf.Tensor ? 1 : 0));
  return out;
}

describe('regularizers', () => {
  it('total variation: 0 on a constant image; by hand on a 2×2 ramp; β = 1 is the gradient magnitude', () => {
    const flat = tf.fill([1, 5, 4, 3], 0.3) as tf.Tensor4D;
    expect(noLeak(() => totalVariation(flat)).dataSync()[0]).toBe(0);
    // x = [[0, 1], [2, 3]] (1 channel): the one interior difference pair is dy = 2, dx = 1.
    const ramp = tf.tensor4d([0, 1, 2, 3], [1, 2, 2, 1]);
    expect(totalVariation(ramp, 2).dataSync()[0]).toBeCloseTo((4 + 1) / 4, 6);
    expect(totalVariation(ramp, 1).dataSync()[0]).toBeCloseTo(Math.sqrt(5) / 4, 5);
    tf.dispose([flat, ramp]);
  });

  it('Gaussian blur lowers high-frequency energy, keeps a constant image and the mean of a periodic one', () => {
    const noise = tf.tensor4d(seededValues(3, 16 * 16 * 3), [1, 16, 16, 3]);
    const blurred = noLeak(() => gaussianBlur(noise, 1));
    expect(highFrequencyEnergy(blurred)).toBeLessThan(0.2 * highFrequencyEnergy(noise));
    const flat = tf.fill([1, 7, 9, 1], 0.25) as tf.Tensor4D;
    values(gaussianBlur(flat, 1.5)).forEach((v) => expect(v).toBeCloseTo(0.25, 6));
    const k = gaussianKernel(0.5);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(k[(k.length - 1) / 2]).toBe(Math.max(...k));
    tf.dispose([noise, blurred, flat]);
  });

  it('clipping small norm zeroes exactly the pixels below the percentile, all channels together', () => {
    // Pixel norms 1..16 (channel values (n, 0)): the 25th percentile clears norms 1–4.
    const data = Array.from({ length: 16 }, (_, i) => [i % 2 ? -(i + 1) : i + 1, 0]).flat();
    const x = tf.tensor4d(data, [1, 4, 4, 2]);
    const out = values(noLeak(() => clipSmallNorm(x, 25)));
    for (let p = 0; p < 16; p++) {
      const kept = p >= 4;
      expect([out[2 * p]! + 0, out[2 * p + 1]! + 0]).toEqual(kept ? [data[2 * p], 0] : [0, 0]);
    }
    expect(values(clipSmallNorm(x, 0))).toEqual(data);
    x.dispose();
  });

  it('clipping small contribution uses |Σ_c x·g|: a large pixel with no gradient goes, a small one with a large gradient stays', () => {
    const x = tf.tensor4d([5, 5, 0.1, 0.1, 1, 1, 2, 2], [1, 2, 2, 2]);
    const g = tf.tensor4d([0, 0, 10, 10, 1, -1, 1, 1], [1, 2, 2, 2]);
    // Contributions: 0, 2, 0 (1 − 1), 4 → the 50th percentile clears the two zeros.
    expect(values(noLeak(() => clipSmallContribution(x, g, 50)))).toEqual([0, 0, 0.1, 0.1, 0, 0, 2, 2].map((v) => Math.fround(v)));
    tf.dispose([x, g]);
  });

  it('decay shrinks towards grey; the L2 penalty is the mean squared distance from grey', () => {
    const x = tf.tensor4d([0.5, -0.5, 0.25, 0], [1, 2, 2, 1]);
    expect(values(decay(x, 0.1))).toEqual([0.45, -0.45, 0.225, 0].map(Math.fround));
    const image = tf.tensor4d([1, 0, 0.5, 0.5], [1, 2, 2, 1]);
    expect(l2FromGrey(image).dataSync()[0]).toBeCloseTo(0.125, 7);
    tf.dispose([x, image]);
  });
});

describe('transforms', () => {
  const img = () => tf.tensor4d(Array.from({ length: 12 }, (_, i) => i), [1, 3, 4, 1]);

  it('roll wraps rows and columns; a random roll keeps the size and the pixel multiset', () => {
    const x = img();
    expect(values(roll(x, 1, 2))).toEqual([3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10]);
    expect(values(roll(x, -1, 1))).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3]);
    const r = randomRoll(2)(seededUniform(5))(x);
    expect(r.shape).toEqual([1, 3, 4, 1]);
    expect(values(r).sort((a, b) => a - b)).toEqual(values(x));
    x.dispose();
  });

  it('pad and jitter change the size by the given amounts; jitter crops inside the padded image', () => {
    const x = img();
    const padded = pad(2, 0.5)(() => 0)(x);
    expect(padded.shape).toEqual([1, 7, 8, 1]);
    expect(values(padded)[0]).toBe(0.5);
    const cropped = jitter(2)(() => 0.99)(padded);
    expect(cropped.shape).toEqual([1, 5, 6, 1]);
    // Offset 2 (random 0.99 → floor(0.99·3)) lands the crop on the original image's first pixel.
    expect(values(cropped)[0]).toBe(0);
    expect(randomScale([0.5])(() => 0)(padded).shape).toEqual([1, 4, 4, 1]);
    tf.dispose([x, padded, cropped]);
  });

  it('rotation by 0 is the identity and by 90° on a square moves pixels exactly; its gradient reaches the image', () => {
    const sq = tf.tensor4d(Array.from({ length: 9 }, (_, i) => i), [1, 3, 3, 1]);
    values(rotate(sq, 0)).forEach((v, i) => expect(v).toBeCloseTo(i, 5));
    // Output (y, x) reads source (y', x') = (cos·(y−c) − sin·(x−c) + c, sin·(y−c) + cos·(x−c) + c): at 90°, (c − (x−c), y).
    const r = values(rotate(sq, Math.PI / 2));
    const expected = [6, 3, 0, 7, 4, 1, 8, 5, 2];
    r.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    const g = tf.grad((x: tf.Tensor) => tf.sum(rotate(x as tf.Tensor4D, 0.3)))(sq);
    expect(tf.sum(g).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([sq, g]);
  });
});

describe('parameterizations', () => {
  it('Fourier: the image is sigmoid(decorrelate(Re(inverse DFT of the scaled spectrum)/(4√(HW)))), checked against a direct sum', () => {
    const [H, W] = [4, 6];
    const param = fourierParameterization(H, W, 1);
    const spectrum = tf.tensor4d(seededValues(7, 2 * H * W), [2, 1, H, W]);
    const image = noLeak(() => param.toImage(spectrum));
    const s = spectrum.dataSync();
    const freq = (k: number, n: number) => (k <= n / 2 ? k : k - n) / n;
    const got = image.dataSync();
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let sum = 0;
        for (let k = 0; k < H; k++) {
          for (let l = 0; l < W; l++) {
            const scale = 1 / Math.max(Math.hypot(freq(k, H), freq(l, W)), 1 / Math.max(H, W));
            const theta = 2 * Math.PI * ((y * k) / H + (x * l) / W);
            sum += scale * (s[k * W + l]! * Math.cos(theta) - s[H * W + k * W + l]! * Math.sin(theta));
          }
        }
        const expected = 1 / (1 + Math.exp(-sum / (4 * Math.sqrt(H * W))));
        expect(got[y * W + x]).toBeCloseTo(expected, 5);
      }
    }
    tf.dispose([spectrum, image]);
    param.dispose();
  });

  it('Fourier with colour: a spectrum of Lucid\'s 0.01 starts near grey; pixels clamp to [0, 1]; both free what they hold', () => {
    const before = tf.memory().numTensors;
    const param = fourierParameterization(8, 8, 3);
    const init = initialSpectrum(8, 8, 3, 1);
    const image = param.toImage(init);
    values(image).forEach((v) => expect(Math.abs(v - 0.5)).toBeLessThan(0.05));
    tf.dispose([init, image]);
    param.dispose();
    const pixels = pixelParameterization(2, 2, 1);
    const raw = tf.tensor4d([-1, 0.2, 0.7, 0], [1, 2, 2, 1]);
    const clamped = pixels.project(raw);
    expect(values(clamped)).toEqual([-0.5, 0.2, 0.5, 0].map(Math.fround));
    tf.dispose([raw, clamped]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('optimizers', () => {
  it("Adam's first step is lr·g/(|g| + ε) (bias-corrected moments); ascent variants step as documented", () => {
    const p = tf.tensor1d([0, 0, 0]);
    const g = tf.tensor1d([2, -0.5, 0]);
    const a = adam(0.1);
    const next = a.step(p, g);
    values(next).forEach((v, i) => expect(v).toBeCloseTo([0.1, -0.1, 0][i]!, 6));
    a.dispose();
    expect(values(gradientAscent(0.5, 'none').step(p, g))).toEqual([1, -0.25, 0]);
    // mean|g| = 2.5/3: the step is lr·g·3/2.5.
    values(gradientAscent(0.5, 'mean-abs').step(p, g)).forEach((v, i) => expect(v).toBeCloseTo([1.2, -0.3, 0][i]!, 5));
    // 'progress': first-order rise g·Δ equals lr.
    const step = gradientAscent(2, 'progress').step(p, g);
    expect(tf.sum(tf.mul(step, g)).dataSync()[0]).toBeCloseTo(2, 5);
    tf.dispose([p, g, next, step]);
  });
});

describe("Lucid's redirected ReLU gradient", () => {
  it('is the ordinary gradient where any passes; for a sample with none, lets through all but what pushes a negative input lower', () => {
    // Sample 0 has a live unit (z = 1): ordinary gradient. Sample 1 is dead everywhere.
    const z = tf.tensor2d([[1, -1, -2], [-1, -2, -3]]);
    const dy = tf.tensor2d([[0.5, 0.7, -0.2], [0.4, -0.6, 0.3]]);
    const g = noLeak(() => redirectedRule.gradient!(z, dy));
    expect(values(g).map((v) => v + 0)).toEqual([0.5, 0, 0, 0.4, 0, 0.3].map(Math.fround));
    tf.dispose([z, dy, g]);
  });
});
