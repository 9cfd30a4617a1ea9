import * as tf from '../tf';
import { autodiffRule } from '../model/backwardRules';
import { batchSizeFor, defaultMemoryBudgetBytes, runBatches } from './batching';
import { checkCompleteness } from './completeness';
import { interruptibleInputGradient } from './interruptibleGrad';
import { maxSampleCount, validateOptions, withDefaults, type MethodDescriptor } from './descriptor';
import { sumOverChannels } from './maps';
import { integrationRules, quadrature, type IntegrationRule } from './quadrature';
import { objective, resolveTarget } from './target';
import { checkpoint, toArrayND, type AttributionResult, type Method, type TargetSpec } from './types';

export interface IntegratedGradientsOptions {
  target?: TargetSpec;
  steps?: number;
  rule?: IntegrationRule;
  /** Constant baseline in model-input space (0 = black for the default scaling). */
  baseline?: number;
  memoryBudgetBytes?: number;
}

/**
 * Integrated gradients (Sundararajan et al.), as Captum computes it:
 * IG = (x − b) · Σ_k w_k ∇f(b + α_k (x − b)), with Captum's quadrature rules (default Gauss–Legendre).
 * The result warns when the attributions miss f(x) − f(baseline) by more than 5 % (completeness).
 */
export const integratedGradients: Method<IntegratedGradientsOptions, AttributionResult> = async (model, input, options, progress, signal, control = {}) => {
  const { steps, rule, baseline } = withDefaults(integratedGradientsMethod, options, ['steps', 'rule', 'baseline']);
  validateOptions(integratedGradientsMethod, options);
  const { alphas, weights } = quadrature(rule, steps);
  await checkpoint(signal);
  const target = resolveTarget(model, input, options.target);
  const maxBatch = batchSizeFor(model, steps, options.memoryBudgetBytes ?? defaultMemoryBudgetBytes);
  const base = tf.fill(input.shape, baseline) as tf.Tensor4D;
  const diff = tf.sub(input, base) as tf.Tensor4D;
  let weighted: tf.Tensor = tf.zerosLike(input);
  try {
    const run = await runBatches(steps, maxBatch, signal, progress, 'integrated gradients step', async (start, count) => {
      const path = tf.tidy(() => tf.add(base, tf.mul(tf.tensor(alphas.slice(start, start + count), [count, 1, 1, 1]), diff)) as tf.Tensor4D);
      let grads: tf.Tensor4D;
      try {
        grads = await interruptibleInputGradient(model, path, target, autodiffRule, signal);
      } finally {
        path.dispose();
      }
      const next = tf.tidy(() => tf.add(weighted, tf.sum(tf.mul(grads, tf.tensor(weights.slice(start, start + count), [count, 1, 1, 1])), 0, true)));
      tf.dispose([grads, weighted]);
      weighted = next;
      const done = start + count;
      control.preview?.(() => ({ step: done, of: steps, scalars: { stepsDone: done, partialSumAttribution: tf.tidy(() => tf.sum(tf.mul(diff, weighted)).dataSync()[0]!) } }));
    }, control.stop);
    const { largestBatch: batchSize, done } = run;
    // Two more forward passes for completeness, each after a chance to see a cancel.
    const scoreOf = async (x: tf.Tensor4D) => {
      await checkpoint(signal);
      return tf.tidy(() => objective(model, x, target).dataSync()[0]!);
    };
    const fX = await scoreOf(input);
    const fBase = await scoreOf(base);
    const [attribution, map] = tf.tidy(() => {
      const attr = tf.mul(diff, weighted) as tf.Tensor4D;
      return [tf.squeeze(attr, [0]), tf.squeeze(sumOverChannels(attr), [0])];
    });
    try {
      const attributionND = await toArrayND(attribution);
      const total = attributionND.data.reduce((s, v) => s + v, 0);
      const completeness = checkCompleteness(total, fX, fBase, steps);
      return {
        method: 'integrated-gradients',
        target,
        attribution: attributionND,
        map: await toArrayND(map),
        signedMap: true,
        details: {
          steps,
          rule,
          baseline,
          batchSize,
          backwardPasses: done,
          ...(run.stopped ? { stoppedAfter: done } : {}),
          sumAttribution: total,
          fX,
          fBaseline: fBase,
          convergenceDelta: completeness.delta,
          ...(completeness.relative === undefined ? {} : { relativeDelta: completeness.relative }),
        },
        // A stopped run is the quadrature sum over the first `done` nodes only: say so instead of
        // reporting the (expected) completeness gap as if more steps would close it.
        warnings: run.stopped ? [`stopped after ${done} of ${steps} steps: the attribution is partial; completeness does not hold`] : completeness.warning ? [completeness.warning] : [],
      };
    } finally {
      tf.dispose([attribution, map]);
    }
  } finally {
    tf.dispose([base, diff, weighted]);
  }
};

export const integratedGradientsMethod: MethodDescriptor<IntegratedGradientsOptions> = {
  name: 'integrated-gradients',
  label: 'Integrated gradients',
  hint: 'Gradients integrated along the path from a black image (signed)',
  options: {
    steps: { type: 'int', default: 50, min: 1, max: maxSampleCount, cliFlag: 'steps', settingKey: 'convscope.integratedGradients.steps', label: 'Steps', hint: 'points of the path integral' },
    rule: { type: 'choice', default: 'gausslegendre', choices: integrationRules, cliFlag: 'ig-rule', label: 'Rule', hint: 'quadrature rule, as Captum names them' },
    baseline: { type: 'number', default: 0, cliFlag: 'baseline', label: 'Baseline', hint: 'constant baseline in model-input space' },
  },
  cost: (o) => {
    const n = withDefaults(integratedGradientsMethod, o, ['steps']).steps;
    // Two more forward passes check completeness: f(x) and f(baseline).
    return { forwardPasses: n + 2, backwardPasses: n, summary: `${n} path steps: ${n} forward + backward passes` };
  },
  run: (ctx, options) => integratedGradients(ctx.model, ctx.input, options, ctx.progress, ctx.signal, ctx),
  result: 'attribution',
};
