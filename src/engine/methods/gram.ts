import * as tf from '../tf';
import { checkpoint, toArrayND, type ArrayND, type Method } from './types';

/** Gram matrix of a layer's output (Gatys et al.): G = F·Fᵀ / (H·W), F = the output as C × (H·W). */
export function gramMatrix(activation: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const channels = activation.shape[activation.rank - 1]!;
    const positions = activation.size / channels;
    const F = tf.reshape(activation, [positions, channels]);
    // Fᵀ·F on the positions-major layout is the same C×C product without a transpose of the big matrix.
    return tf.div(tf.matMul(F, F, true, false), positions) as tf.Tensor2D;
  });
}

export const gram: Method<{ layer: string }, { layer: string; gram: ArrayND }> = async (model, input, options, _progress, signal) => {
  await checkpoint(signal);
  const g = tf.tidy(() => gramMatrix(model.forward(input, { capture: [options.layer] }).captured.get(options.layer)!));
  try {
    return { layer: options.layer, gram: await toArrayND(g) };
  } finally {
    g.dispose();
  }
};
