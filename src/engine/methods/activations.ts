import * as tf from '../tf';
import { checkpoint, toArrayND, type ArrayND, type Method } from './types';

/** The output of any layer for one image, channels-last with the batch dimension: [1, H, W, C] or [1, C]. */
export const activations: Method<{ layer: string }, { layer: string; activation: ArrayND }> = async (model, input, options, _progress, signal) => {
  await checkpoint(signal);
  const a = tf.tidy(() => model.forward(input, { capture: [options.layer] }).captured.get(options.layer)!);
  try {
    return { layer: options.layer, activation: await toArrayND(a) };
  } finally {
    a.dispose();
  }
};
