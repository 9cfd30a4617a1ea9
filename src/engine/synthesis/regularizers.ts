import * as tf from '../tf';

/**
 * Regularizers of gradient-ascent images. Penalties are differentiable terms subtracted from the
 * objective (total variation, L2); projections change the parameters between steps (Yosinski et
 * al. 2015: L2 decay, Gaussian blur every k steps, clipping pixels of small norm or of small
 * contribution). Pixel parameters are centred (0 = mid-grey), so "set to zero" means grey.
 */

/**
 * Total variation Σ ((∂x)² + (∂y)²)^(β/2) over the image, divided by its pixel count
 * (Mahendran & Vedaldi 2015 use β = 2 for inversion; β = 1 is the classic TV norm).
 */
export function totalVariation(image: tf.Tensor4D, beta = 2): tf.Scalar {
  return tf.tidy(() => {
    const [n, h, w, c] = image.shape;
    if (h < 2 || w < 2) return tf.scalar(0);
    const dy = tf.sub(tf.slice(image, [0, 1, 0, 0], [n, h - 1, w - 1, c]), tf.slice(image, [0, 0, 0, 0], [n, h - 1, w - 1, c]));
    const dx = tf.sub(tf.slice(image, [0, 0, 1, 0], [n, h - 1, w - 1, c]), tf.slice(image, [0, 0, 0, 0], [n, h - 1, w - 1, c]));
    const squared = tf.add(tf.square(dy), tf.square(dx));
    // A tiny offset keeps the gradient of β < 2 finite where the image is flat.
    const perPixel = beta === 2 ? squared : tf.pow(tf.add(squared, 1e-8), beta / 2);
    return tf.div(tf.sum(perPixel), n * h * w) as tf.Scalar;
  });
}

/** Mean of the squared distance from mid-grey (Simonyan et al.'s L2 term, in display units). */
export function l2FromGrey(image: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(image, 0.5))) as tf.Scalar);
}

/** x ← (1 − θ)·x: L2 decay of the centred pixels. */
export function decay(params: tf.Tensor, theta: number): tf.Tensor {
  return tf.tidy(() => tf.mul(params, 1 - theta));
}

/** The 1-D Gaussian kernel of standard deviation `sigma` pixels, radius ⌈3σ⌉, summing to 1. */
export function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  for (let i = -radius; i <= radius; i++) k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/**
 * Gaussian blur of each channel of [N, H, W, C] (separable; edges padded by reflection so a
 * constant image stays constant). sigma ≤ 0 returns a copy.
 */
export function gaussianBlur(x: tf.Tensor4D, sigma: number): tf.Tensor4D {
  if (sigma <= 0) return tf.clone(x);
  return tf.tidy(() => {
    const k = gaussianKernel(sigma);
    const r = (k.length - 1) / 2;
    const c = x.shape[3];
    const [, h, w] = x.shape;
    const ry = Math.min(r, h - 1);
    const rx = Math.min(r, w - 1);
    const kernel = (along: 'y' | 'x', radius: number) => {
      const taps = k.slice(r - radius, r + radius + 1);
      const sum = taps.reduce((a, b) => a + b, 0);
      const shape: [number, number, number, number] = along === 'y' ? [taps.length, 1, c, 1] : [1, taps.length, c, 1];
      const data = new Float32Array(taps.length * c);
      for (let i = 0; i < taps.length; i++) for (let ch = 0; ch < c; ch++) data[i * c + ch] = taps[i]! / sum;
      return tf.tensor4d(data, shape);
    };
    let y: tf.Tensor4D = x;
    if (ry > 0) y = tf.depthwiseConv2d(tf.mirrorPad(y, [[0, 0], [ry, ry], [0, 0], [0, 0]], 'reflect'), kernel('y', ry), 1, 'valid');
    if (rx > 0) y = tf.depthwiseConv2d(tf.mirrorPad(y, [[0, 0], [0, 0], [rx, rx], [0, 0]], 'reflect'), kernel('x', rx), 1, 'valid');
    return y;
  });
}

/** Sets to 0 the pixels whose value, reduced over channels, is below the `percentile` (0–100) of all pixels. */
function zeroBelowPercentile(params: tf.Tensor4D, score: tf.Tensor3D, percentile: number): tf.Tensor4D {
  return tf.tidy(() => {
    if (percentile <= 0) return tf.clone(params);
    const values = score.dataSync();
    const sorted = Float32Array.from(values).sort();
    const cut = sorted[Math.min(sorted.length - 1, Math.floor((percentile / 100) * sorted.length))]!;
    const keep = tf.cast(tf.greaterEqual(score, cut), 'float32');
    // Exactly percentile% (ties aside) are cleared: values strictly below the cut-off.
    return tf.mul(params, tf.expandDims(keep, 3)) as tf.Tensor4D;
  });
}

/** Yosinski et al.'s "clip pixels with small norm": the channel norm of the centred pixel. */
export function clipSmallNorm(params: tf.Tensor4D, percentile: number): tf.Tensor4D {
  return tf.tidy(() => zeroBelowPercentile(params, tf.sqrt(tf.sum(tf.square(params), 3)) as tf.Tensor3D, percentile));
}

/**
 * Yosinski et al.'s "clip pixels with small contribution": |Σ_c x·∂a/∂x|, the first-order change
 * of the activation if the pixel were set to zero (grey).
 */
export function clipSmallContribution(params: tf.Tensor4D, gradient: tf.Tensor4D, percentile: number): tf.Tensor4D {
  return tf.tidy(() => zeroBelowPercentile(params, tf.abs(tf.sum(tf.mul(params, gradient), 3)) as tf.Tensor3D, percentile));
}
