import * as tf from '../tf';
import { UserError } from '../errors';
import type { LoadedModel, ReluRule } from './loadedModel';

/**
 * Backward rules are hooks: given a ReLU's forward input z and the incoming gradient dy, a rule
 * says what passes back. The method that needs a rule defines it in its own file; layers models
 * apply it to every ReLU, separate or fused into Conv2D/Dense, and noise-averaging wrappers can
 * average any method that declares one. This rule is plain autodiff.
 */
export const autodiffRule: ReluRule = { name: 'vanilla', label: 'the vanilla gradient' };

/** Where a ReLU (or a ReLU clipped at maxValue) lets its input through. */
export function reluPasses(z: tf.Tensor, maxValue?: number): tf.Tensor {
  const positive = tf.greater(z, 0);
  return maxValue === undefined ? positive : tf.logicalAnd(positive, tf.less(z, maxValue));
}

/** Refuses a rule the model cannot apply (graph models fuse their ReLUs into other ops). */
export function requireRuleSupport(model: LoadedModel, rule: ReluRule): void {
  if (rule.gradient && !model.capabilities.has('relu-rules')) {
    throw new UserError(`${model.file}: ${rule.label} needs a layers model (a ${model.kind} model's ReLUs are fused into its ops)`);
  }
}
