import * as tf from '../tf';
import { gramMatrices } from '../objectives';
import { checkpoint, toArrayND, type ArrayND, type Method } from './types';

/** Gram matrix of one sample's layer output (Gatys et al.): G = F·Fᵀ / (H·W), F = the output as C × (H·W). */
export function gramMatrix(activation: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => tf.squeeze(gramMatrices(activation), [0]) as tf.Tensor2D);
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
