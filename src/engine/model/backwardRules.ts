import * as tf from '../tf';
import { UserError } from '../errors';
import type { LoadedModel, ReluRule } from './loadedModel';

/**
 * The backward rules a ReLU can follow, keyed by the gradient method that uses them. A rule is a
 * hook: given the ReLU's forward input z and the incoming gradient dy, it says what passes back.
 * A new rule (an LRP-style one, say) is one entry here; layers models apply it to every ReLU,
 * separate or fused into Conv2D/Dense, and SmoothGrad can smooth it.
 */
export const reluRules = {
  /** Ordinary autodiff (vanilla gradients). */
  vanilla: { name: 'vanilla' },
  /** Guided backprop (Springenberg et al.): only where the input and the gradient are positive. */
  guided: { name: 'guided', gradient: (z, dy, maxValue) => tf.mul(tf.relu(dy), tf.cast(passes(z, maxValue), 'float32')) },
  /** Deconvnet (Zeiler & Fergus): only the positive part of the incoming gradient. */
  deconvnet: { name: 'deconvnet', gradient: (_z, dy) => tf.relu(dy) },
} satisfies Record<string, ReluRule>;

export type ReluRuleName = keyof typeof reluRules;

export const reluRuleNames = Object.keys(reluRules) as ReluRuleName[];

/** Where a ReLU (or a ReLU clipped at maxValue) lets its input through. */
function passes(z: tf.Tensor, maxValue?: number): tf.Tensor {
  const positive = tf.greater(z, 0);
  return maxValue === undefined ? positive : tf.logicalAnd(positive, tf.less(z, maxValue));
}

/** Refuses a rule the model cannot apply (graph models fuse their ReLUs into other ops). */
export function requireRuleSupport(model: LoadedModel, rule: ReluRule): void {
  if (rule.gradient && !model.capabilities.has('relu-rules')) {
    throw new UserError(`${model.file}: guided backprop and deconvnet need a layers model (a ${model.kind} model's ReLUs are fused into its ops)`);
  }
}
