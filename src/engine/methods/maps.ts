import * as tf from '../tf';

/** Captum-style saliency map: max over channels of |attribution|, [N,H,W,C] → [N,H,W]. */
export function maxAbsOverChannels(attribution: tf.Tensor4D): tf.Tensor3D {
  return tf.max(tf.abs(attribution), 3);
}

/** Signed map for attributions that add up (path integrals, occlusion): sum over channels. */
export function sumOverChannels(attribution: tf.Tensor4D): tf.Tensor3D {
  return tf.sum(attribution, 3);
}
