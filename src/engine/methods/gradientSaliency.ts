import * as tf from '../tf';
import { requireRuleSupport } from '../model/backwardRules';
import type { ReluRule } from '../model/loadedModel';
import { interruptibleInputGradient } from './interruptibleGrad';
import { maxAbsOverChannels } from './maps';
import { resolveTarget } from './target';
import type { MethodDescriptor } from './descriptor';
import { checkpoint, toArrayND, type AttributionResult, type Method, type TargetSpec } from './types';

export interface GradientOptions {
  target?: TargetSpec;
}

/**
 * The single-pass gradient methods differ only in how ReLUs pass the gradient back: each method
 * file names its backward rule.
 */
export function gradientSaliency(name: string, relu: ReluRule): Method<GradientOptions, AttributionResult> {
  return async (model, input, options, progress, signal) => {
    requireRuleSupport(model, relu);
    await checkpoint(signal);
    const target = resolveTarget(model, input, options.target);
    // One backward pass of a large network takes seconds: this one sees a cancel meanwhile.
    const g = await interruptibleInputGradient(model, input, target, relu, signal);
    const [grad, map] = tf.tidy(() => [tf.squeeze(g, [0]), tf.squeeze(maxAbsOverChannels(g), [0])]);
    g.dispose();
    progress({ fraction: 1, message: `${name}: 1 backward pass` });
    try {
      return { method: name, target, attribution: await toArrayND(grad), map: await toArrayND(map), signedMap: false, details: { forwardPasses: 1, backwardPasses: 1 } };
    } finally {
      tf.dispose([grad, map]);
    }
  };
}

/**
 * The descriptor of a single-pass gradient method: no options of its own, one backward pass, and
 * its backward rule declared so that wrappers (noise averages) can average it.
 */
export function gradientDescriptor(name: string, label: string, hint: string, rule: ReluRule): MethodDescriptor<GradientOptions> {
  const method = gradientSaliency(name, rule);
  return {
    name,
    label,
    hint,
    options: {},
    // One forward pass to find the target class, then one forward + backward pass.
    cost: () => ({ forwardPasses: 2, backwardPasses: 1, summary: '1 forward + backward pass' }),
    run: (ctx, options) => method(ctx.model, ctx.input, options, ctx.progress, ctx.signal),
    result: 'attribution',
    gradientRule: rule,
  };
}
