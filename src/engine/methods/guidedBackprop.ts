import * as tf from '../tf';
import { reluPasses } from '../model/backwardRules';
import type { ReluRule } from '../model/loadedModel';
import { gradientDescriptor, gradientSaliency } from './gradientSaliency';

/** Guided backprop (Springenberg et al.): every ReLU passes the gradient only where its input and the gradient are positive. */
export const guidedRule: ReluRule = {
  name: 'guided',
  label: 'guided backprop',
  gradient: (z, dy, maxValue) => tf.mul(tf.relu(dy), tf.cast(reluPasses(z, maxValue), 'float32')),
};

export const guidedBackprop = gradientSaliency('guided', guidedRule);

export const guidedBackpropMethod = gradientDescriptor('guided', 'Guided backprop', 'Gradient passed only where activations and gradients are positive', guidedRule);
