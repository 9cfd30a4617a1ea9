import * as tf from '../tf';

/**
 * How a spatial layer output [N, H, W, C] becomes one vector per image. 'peak' (for patches, not a
 * user choice) keeps each channel's maximum and where it is: [max₀…max_C−1, pos₀…pos_C−1], pos the
 * row-major index h·W + w of the first maximum (exact in float32 up to 2²⁴ positions).
 */
export type Pooling = 'avg' | 'max' | 'flatten' | 'peak';
export const poolings: readonly Pooling[] = ['avg', 'max', 'flatten'];

/**
 * [N, H, W, C] → [N, C] (spatial mean or max) or [N, H·W·C] (flatten, channels-last order);
 * an output without spatial extent ([N, D], e.g. a dense layer) is its own vector.
 */
export function poolFeatures(features: tf.Tensor, pool: Pooling): tf.Tensor2D {
  const n = features.shape[0]!;
  if (features.rank === 2) return features as tf.Tensor2D;
  if (features.rank !== 4) return tf.reshape(features, [n, -1]);
  if (pool === 'avg') return tf.mean(features, [1, 2]);
  if (pool === 'max') return tf.max(features, [1, 2]);
  if (pool === 'peak') {
    const [, h, w, c] = features.shape as [number, number, number, number];
    const flat = tf.reshape(features, [n, h * w, c]);
    return tf.concat([tf.max(flat, 1), tf.cast(tf.argMax(flat, 1), 'float32')], 1) as tf.Tensor2D;
  }
  return tf.reshape(features, [n, -1]);
}
