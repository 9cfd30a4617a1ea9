import * as tf from '../tf';
import { autodiffRule } from '../model/backwardRules';
import type { LoadedModel, ReluRule } from '../model/loadedModel';
import { objective } from './target';
import type { Target } from './types';

/**
 * ∂objective/∂input for every sample of a batch, with ReLUs back-propagating by `relu`.
 * Samples are independent (inference mode), so the gradient of the summed objective gives each
 * sample its own gradient.
 */
export function inputGradient(model: LoadedModel, x: tf.Tensor4D, target: Target, relu: ReluRule = autodiffRule): tf.Tensor4D {
  return tf.tidy(() => tf.grad((xi: tf.Tensor) => tf.sum(objective(model, xi as tf.Tensor4D, target, { relu })))(x) as tf.Tensor4D);
}
