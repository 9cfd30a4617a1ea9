import * as tf from '../tf';
import { batchSizeFor, defaultMemoryBudgetBytes, forEachBatch } from './batching';
import { inputGradient } from './inputGradient';
import { sumOverChannels } from './maps';
import { quadrature, type IntegrationRule } from './quadrature';
import { objective, resolveTarget } from './target';
import { toArrayND, type AttributionResult, type Method, type TargetSpec } from './types';

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
 */
export const integratedGradients: Method<IntegratedGradientsOptions, AttributionResult> = async (model, input, options, progress, signal) => {
  const { steps = 50, rule = 'gausslegendre', baseline = 0 } = options;
  const target = resolveTarget(model, input, options.target);
  const { alphas, weights } = quadrature(rule, steps);
  const maxBatch = batchSizeFor(model, steps, options.memoryBudgetBytes ?? defaultMemoryBudgetBytes);
  const base = tf.fill(input.shape, baseline) as tf.Tensor4D;
  const diff = tf.sub(input, base) as tf.Tensor4D;
  let weighted: tf.Tensor = tf.zerosLike(input);
  try {
    const batchSize = await forEachBatch(steps, maxBatch, signal, progress, 'integrated gradients step', (start, count) => {
      const next = tf.tidy(() => {
        const a = tf.tensor(alphas.slice(start, start + count), [count, 1, 1, 1]);
        const w = tf.tensor(weights.slice(start, start + count), [count, 1, 1, 1]);
        const path = tf.add(base, tf.mul(a, diff)) as tf.Tensor4D;
        const grads = inputGradient(model, path, target);
        return tf.add(weighted, tf.sum(tf.mul(grads, w), 0, true));
      });
      weighted.dispose();
      weighted = next;
    });
    const [attribution, map, fx, fb] = tf.tidy(() => {
      const attr = tf.mul(diff, weighted) as tf.Tensor4D;
      return [tf.squeeze(attr, [0]), tf.squeeze(sumOverChannels(attr), [0]), objective(model, input, target), objective(model, base, target)];
    });
    try {
      const attributionND = await toArrayND(attribution);
      const total = attributionND.data.reduce((s, v) => s + v, 0);
      const [fX, fBase] = [(await fx.data())[0]!, (await fb.data())[0]!];
      return {
        method: 'integrated-gradients',
        target,
        attribution: attributionND,
        map: await toArrayND(map),
        signedMap: true,
        details: { steps, rule, baseline, batchSize, backwardPasses: steps, sumAttribution: total, fX, fBaseline: fBase, convergenceDelta: total - (fX - fBase) },
      };
    } finally {
      tf.dispose([attribution, map, fx, fb]);
    }
  } finally {
    tf.dispose([base, diff, weighted]);
  }
};
