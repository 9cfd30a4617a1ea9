import * as tf from '../tf';
import { gaussianNoise } from '../methods/seededNoise';

/**
 * How the optimized numbers become an image (Olah et al. 2017, "Feature Visualization"): the
 * loop optimizes `params`, and `toImage` (differentiable) makes the display image [1, H, W, C] in
 * [0, 1] that the transforms and the model see.
 */
export interface Parameterization {
  name: 'pixels' | 'fourier';
  height: number;
  width: number;
  channels: 1 | 3;
  toImage(params: tf.Tensor): tf.Tensor4D;
  /** Keeps the parameters valid after an update (pixels: inside the displayable range). */
  project(params: tf.Tensor): tf.Tensor;
  /** Frees the constants it holds (the Fourier matrices). */
  dispose(): void;
}

/**
 * Pixels, centred: params = image − 0.5, so decay and clipping pull towards mid-grey (the
 * "zero" of Yosinski et al.'s mean-subtracted pixel space) and the projection keeps [0, 1].
 */
export function pixelParameterization(height: number, width: number, channels: 1 | 3): Parameterization {
  return {
    name: 'pixels',
    height,
    width,
    channels,
    toImage: (p) => tf.tidy(() => tf.add(p, 0.5) as tf.Tensor4D),
    project: (p) => tf.tidy(() => tf.clipByValue(p, -0.5, 0.5)),
    dispose: () => {},
  };
}

/** Start for pixels: mid-grey plus seeded Gaussian noise of standard deviation `sd`, or a given image. */
export function initialPixels(height: number, width: number, channels: number, seed: number, sd: number, from?: tf.Tensor4D): tf.Tensor4D {
  if (from) return tf.tidy(() => tf.sub(tf.clipByValue(from, 0, 1), 0.5) as tf.Tensor4D);
  return tf.tensor4d(gaussianNoise(seed)(height * width * channels, sd), [1, height, width, channels]);
}

/**
 * The square root of ImageNet's colour correlation (rows: R, G, B), as Lucid measured it; colour
 * decorrelation multiplies each pixel's 3 values by it (normalized by its largest column norm) so
 * that the optimizer moves along decorrelated colour directions.
 */
const colorCorrelationSqrt = [
  [0.26, 0.09, 0.02],
  [0.27, 0.0, -0.05],
  [0.27, -0.09, 0.03],
];

/**
 * A Fourier parameterization with colour decorrelation (Olah et al. 2017; Lucid's fft_image +
 * to_valid_rgb): params are the real and imaginary parts [2, C, H, W] of each channel's spectrum,
 * scaled by 1/frequency so that all frequencies learn at a similar rate; the image is the real part
 * of the inverse DFT, decorrelated in colour and squashed into [0, 1] by a sigmoid. The DFT is done
 * with real cos/sin matrices (matMul has gradients on every backend; tfjs' complex FFT does not).
 */
export function fourierParameterization(height: number, width: number, channels: 1 | 3, decayPower = 1): Parameterization {
  const H = height;
  const W = width;
  const scale = frequencyScale(H, W, decayPower);
  const [ch, sh] = dftMatrices(H);
  const [cw, sw] = dftMatrices(W);
  const norm = Math.sqrt(norm2Max());
  const decorrelate = tf.tensor2d(colorCorrelationSqrt.map((row) => row.map((v) => v / norm)));
  return {
    name: 'fourier',
    height,
    width,
    channels,
    toImage: (p) =>
      tf.tidy(() => {
        const [re, im] = tf.unstack(tf.mul(p, scale), 0) as [tf.Tensor3D, tf.Tensor3D];
        // x = Re(Ch·(A + iB)·Cw  with e^{+iθ}) = Ch·(A·Cw − B·Sw) − Sh·(A·Sw + B·Cw), per channel.
        const A = tf.reshape(re, [channels * H, W]);
        const B = tf.reshape(im, [channels * H, W]);
        const U = tf.sub(tf.matMul(A, cw), tf.matMul(B, sw));
        const V = tf.add(tf.matMul(A, sw), tf.matMul(B, cw));
        const byRow = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [channels, H, W]), [1, 0, 2]), [H, channels * W]);
        const x = tf.sub(tf.matMul(ch, byRow(U)), tf.matMul(sh, byRow(V)));
        // √(HW) · (1/(HW)) makes the transform unitary; Lucid divides by 4 to start near grey.
        let hwc = tf.transpose(tf.reshape(tf.div(x, 4 * Math.sqrt(H * W)), [H, channels, W]), [0, 2, 1]) as tf.Tensor3D;
        if (channels === 3) hwc = tf.reshape(tf.matMul(tf.reshape(hwc, [H * W, 3]), decorrelate, false, true), [H, W, 3]);
        return tf.expandDims(tf.sigmoid(hwc), 0) as tf.Tensor4D;
      }),
    project: (p) => tf.clone(p),
    dispose: () => tf.dispose([scale, ch, sh, cw, sw, decorrelate]),
  };
}

/** Start for Fourier: seeded Gaussian spectrum of standard deviation 0.01 (Lucid's default). */
export function initialSpectrum(height: number, width: number, channels: number, seed: number): tf.Tensor4D {
  return tf.tensor4d(gaussianNoise(seed)(2 * channels * height * width, 0.01), [2, channels, height, width]);
}

/** 1 / max(|f|, 1/max(H, W))^decay for each (fy, fx) of the full DFT grid, broadcast over [2, C, H, W]. */
function frequencyScale(H: number, W: number, decayPower: number): tf.Tensor {
  const freq = (k: number, n: number) => (k <= n / 2 ? k : k - n) / n;
  const out = new Float32Array(H * W);
  const floor = 1 / Math.max(H, W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) out[y * W + x] = 1 / Math.max(Math.hypot(freq(y, H), freq(x, W)), floor) ** decayPower;
  return tf.tensor4d(out, [1, 1, H, W]);
}

/** cos and sin of 2π·j·k/n, [n, n] each. */
function dftMatrices(n: number): [tf.Tensor2D, tf.Tensor2D] {
  const c = new Float32Array(n * n);
  const s = new Float32Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      const theta = (2 * Math.PI * ((j * k) % n)) / n;
      c[j * n + k] = Math.cos(theta);
      s[j * n + k] = Math.sin(theta);
    }
  }
  return [tf.tensor2d(c, [n, n]), tf.tensor2d(s, [n, n])];
}

function norm2Max(): number {
  let best = 0;
  for (let col = 0; col < 3; col++) best = Math.max(best, colorCorrelationSqrt.reduce((s, row) => s + row[col]! ** 2, 0));
  return best;
}
