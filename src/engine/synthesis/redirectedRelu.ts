import * as tf from '../tf';
import { reluPasses } from '../model/backwardRules';
import type { ReluRule } from '../model/loadedModel';

/**
 * Lucid's "redirected" ReLU gradient (Olah et al. 2017; lucid/misc/redirected_relu_grad.py): a
 * channel that is off everywhere at the start (every ReLU input negative on a grey image) has a
 * zero gradient, and plain ascent never turns it on. For a sample whose ordinary ReLU gradient is
 * zero everywhere, this lets the gradient through except where it would push an already negative
 * input lower; once the channel responds, the ordinary gradient takes over. Ascent convention: dy
 * is ∂objective/∂output, so "lower" is dy < 0.
 */
export const redirectedRule: ReluRule = {
  name: 'redirected',
  label: 'the redirected ReLU gradient',
  gradient: (z, dy, maxValue) =>
    tf.tidy(() => {
      const ordinary = tf.mul(dy, tf.cast(reluPasses(z, maxValue), 'float32'));
      const pushingLower = tf.logicalAnd(tf.less(z, 0), tf.less(dy, 0));
      const redirected = tf.where(pushingLower, tf.zerosLike(dy), dy);
      const axes = ordinary.shape.slice(1).map((_, i) => i + 1);
      const dead = tf.equal(tf.sum(tf.abs(ordinary), axes, true), 0);
      return tf.where(tf.broadcastTo(dead, dy.shape), redirected, ordinary);
    }),
};
