import * as tf from '../tf';

/**
 * Transformation robustness (Mordvintsev et al. 2015; Olah et al. 2017): each step the model sees
 * a randomly padded, shifted, scaled and rotated copy of the image, so only patterns that survive
 * small changes of position and size grow. A transform draws its random numbers first (from the
 * loop's seeded generator, so runs repeat) and then maps the image differentiably.
 */
export type Transform = (random: () => number) => (image: tf.Tensor4D) => tf.Tensor4D;

/** Pads by `pixels` on every side with a constant (mid-grey by default). */
export function pad(pixels: number, value = 0.5): Transform {
  return () => (x) => (pixels > 0 ? tf.pad(x, [[0, 0], [pixels, pixels], [pixels, pixels], [0, 0]], value) : x);
}

/** A random crop that is `pixels` smaller in each direction: a shift of up to `pixels`. */
export function jitter(pixels: number): Transform {
  return (random) => {
    const dy = Math.floor(random() * (pixels + 1));
    const dx = Math.floor(random() * (pixels + 1));
    return (x) => {
      const [, h, w] = x.shape;
      if (pixels <= 0 || h <= pixels || w <= pixels) return x;
      return tf.slice(x, [0, dy, dx, 0], [-1, h - pixels, w - pixels, -1]);
    };
  };
}

/** Resizes by a factor drawn from `factors` (bilinear). */
export function randomScale(factors: readonly number[]): Transform {
  return (random) => {
    const f = factors[Math.floor(random() * factors.length)] ?? 1;
    return (x) => {
      const [, h, w] = x.shape;
      const size: [number, number] = [Math.max(1, Math.round(h * f)), Math.max(1, Math.round(w * f))];
      return size[0] === h && size[1] === w ? x : tf.image.resizeBilinear(x, size, true);
    };
  };
}

/** Rotates about the centre by an angle (degrees) drawn from `angles`; bilinear, edges clamped. */
export function randomRotate(angles: readonly number[]): Transform {
  return (random) => {
    const degrees = angles[Math.floor(random() * angles.length)] ?? 0;
    return (x) => (degrees === 0 ? x : rotate(x, (degrees * Math.PI) / 180));
  };
}

/**
 * Bilinear rotation by gathers: each output pixel reads its four source neighbours with fixed
 * weights. The indices and weights are constants, so the gradient (a scatter-add) flows to the
 * image on every backend.
 */
export function rotate(x: tf.Tensor4D, radians: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const cos = Math.cos(radians);
    const sin = Math.sin(radians);
    const cy = (h - 1) / 2;
    const cx = (w - 1) / 2;
    const corners = [0, 1, 2, 3].map(() => ({ index: new Int32Array(h * w), weight: new Float32Array(h * w) }));
    for (let y = 0; y < h; y++) {
      for (let xo = 0; xo < w; xo++) {
        // Inverse map: where in the source this output pixel comes from.
        const sy = Math.min(h - 1, Math.max(0, cos * (y - cy) - sin * (xo - cx) + cy));
        const sx = Math.min(w - 1, Math.max(0, sin * (y - cy) + cos * (xo - cx) + cx));
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const y1 = Math.min(h - 1, y0 + 1);
        const x1 = Math.min(w - 1, x0 + 1);
        const fy = sy - y0;
        const fx = sx - x0;
        const p = y * w + xo;
        const set = (k: number, yy: number, xx: number, wt: number) => {
          corners[k]!.index[p] = yy * w + xx;
          corners[k]!.weight[p] = wt;
        };
        set(0, y0, x0, (1 - fy) * (1 - fx));
        set(1, y0, x1, (1 - fy) * fx);
        set(2, y1, x0, fy * (1 - fx));
        set(3, y1, x1, fy * fx);
      }
    }
    const flat = tf.reshape(x, [n, h * w, c]);
    const terms = corners.map(({ index, weight }) => tf.mul(tf.gather(flat, tf.tensor1d(index, 'int32'), 1), tf.tensor3d(weight, [1, h * w, 1])));
    return tf.reshape(tf.addN(terms), [n, h, w, c]) as tf.Tensor4D;
  });
}

/** Resizes to exactly height × width (models with a fixed input size read the transformed image). */
export function resizeTo(x: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [, h, w] = x.shape;
  return h === height && w === width ? x : tf.image.resizeBilinear(x, [height, width], true);
}

/** Applies transforms in order, each with its own draw from `random`. */
export function applyTransforms(transforms: readonly Transform[], random: () => number): (x: tf.Tensor4D) => tf.Tensor4D {
  const steps = transforms.map((t) => t(random));
  return (x) => steps.reduce((y, step) => step(y), x);
}

/**
 * A circular shift by up to `pixels` in each direction (DeepDream's jitter): the image keeps its
 * size and every pixel stays in view, so no border goes without gradient.
 */
export function randomRoll(pixels: number): Transform {
  return (random) => {
    const dy = Math.floor(random() * (2 * pixels + 1)) - pixels;
    const dx = Math.floor(random() * (2 * pixels + 1)) - pixels;
    return (x) => roll(roll(x, dy, 1), dx, 2);
  };
}

/** Shifts `x` by `shift` along `axis` (1: rows, 2: columns), wrapping around. */
export function roll(x: tf.Tensor4D, shift: number, axis: 1 | 2): tf.Tensor4D {
  const n = x.shape[axis];
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  const [a, b] = tf.split(x, [n - s, s], axis);
  return tf.concat([b!, a!], axis) as tf.Tensor4D;
}
