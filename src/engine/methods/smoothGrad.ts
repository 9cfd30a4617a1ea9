import * as tf from '../tf';
import { requireRuleSupport } from '../model/backwardRules';
import type { ReluRule } from '../model/loadedModel';
import { batchSizeFor, defaultMemoryBudgetBytes, runBatches } from './batching';
import { interruptibleInputGradient } from './interruptibleGrad';
import { maxSampleCount, validateOptions, withDefaults, type MethodDescriptor } from './descriptor';
import { maxAbsOverChannels } from './maps';
import { attributionMethod, gradientMethodNames } from './registry';
import { gaussianNoise } from './seededNoise';
import { resolveTarget } from './target';
import { checkpoint, toArrayND, type AttributionResult, type Method, type TargetSpec } from './types';

export interface SmoothGradOptions {
  target?: TargetSpec;
  /** The gradient method to smooth: any registered method that declares a backward rule. */
  base?: string;
  samples?: number;
  /** Noise standard deviation as a fraction of the input's value range (Smilkov et al. suggest 0.1–0.2). */
  sigma?: number;
  seed?: number;
  memoryBudgetBytes?: number;
}


/** The backward rule of the method `name` wraps (validateOptions has checked it declares one). */
function baseRule(name: string): ReluRule {
  const rule = attributionMethod(name).gradientRule;
  if (!rule) throw new Error(`${name} declares no backward rule`);
  return rule;
}

/**
 * SmoothGrad: the mean of a gradient method's attributions over noisy copies of the input. The
 * noisy copies are made batch by batch (never all at once), so memory stays within the budget.
 */
export const smoothGrad: Method<SmoothGradOptions, AttributionResult> = async (model, input, options, progress, signal, control = {}) => {
  const { base, samples, sigma, seed } = withDefaults(smoothGradMethod, options, ['base', 'samples', 'sigma', 'seed']);
  validateOptions(smoothGradMethod, options);
  const rule = baseRule(base);
  requireRuleSupport(model, rule);
  await checkpoint(signal);
  const target = resolveTarget(model, input, options.target);
  const [min, max] = tf.tidy(() => [tf.min(input).dataSync()[0]!, tf.max(input).dataSync()[0]!]);
  const stdev = sigma * (max - min);
  const noise = gaussianNoise(seed);
  const maxBatch = batchSizeFor(model, samples, options.memoryBudgetBytes ?? defaultMemoryBudgetBytes);
  let sum: tf.Tensor = tf.zerosLike(input);
  // The running mean's map, made only when the throttled preview sink will send it.
  const meanMap = (done: number) => tf.tidy(() => tf.squeeze(maxAbsOverChannels(tf.div(sum, done) as tf.Tensor4D), [0]));
  try {
    const run = await runBatches(samples, maxBatch, signal, progress, 'smoothgrad sample', async (start, count) => {
      const noisy = tf.tidy(() => tf.add(tf.tile(input, [count, 1, 1, 1]), tf.tensor(noise(count * input.size, stdev), [count, ...input.shape.slice(1)])) as tf.Tensor4D);
      let grads: tf.Tensor4D;
      try {
        grads = await interruptibleInputGradient(model, noisy, target, rule, signal);
      } finally {
        noisy.dispose();
      }
      const next = tf.tidy(() => tf.add(sum, tf.sum(grads, 0, true)));
      tf.dispose([grads, sum]);
      sum = next;
      const done = start + count;
      control.preview?.(() => {
        const m = meanMap(done);
        const data = m.dataSync() as Float32Array;
        const frame = { step: done, of: samples, scalars: { samplesDone: done }, map: { shape: [...m.shape], data } };
        m.dispose();
        return frame;
      });
    }, control.stop);
    const { largestBatch: batchSize, done } = run;
    const [attribution, map] = tf.tidy(() => {
      // A stopped run is the mean over the samples done, as a run asking for that many would give.
      const mean = tf.div(sum, done) as tf.Tensor4D;
      return [tf.squeeze(mean, [0]), tf.squeeze(maxAbsOverChannels(mean), [0])];
    });
    try {
      return {
        method: 'smoothgrad',
        target,
        attribution: await toArrayND(attribution),
        map: await toArrayND(map),
        signedMap: false,
        details: { base, samples, sigma, stdev, seed, batchSize, backwardPasses: done, ...(run.stopped ? { stoppedAfter: done } : {}) },
        warnings: run.stopped ? [`stopped after ${done} of ${samples} samples: the map is the mean over those ${done}`] : [],
      };
    } finally {
      tf.dispose([attribution, map]);
    }
  } finally {
    sum.dispose();
  }
};

export const smoothGradMethod: MethodDescriptor<SmoothGradOptions> = {
  name: 'smoothgrad',
  label: 'SmoothGrad',
  hint: 'Vanilla gradient averaged over noisy copies of the image',
  options: {
    base: {
      type: 'choice',
      default: 'vanilla',
      // Read when used: methods registered later (tests, plug-ins) can be smoothed too.
      get choices() {
        return gradientMethodNames();
      },
      cliFlag: 'base',
      label: 'Base method',
      hint: 'the gradient method to smooth',
    },
    samples: { type: 'int', default: 25, min: 1, max: maxSampleCount, cliFlag: 'samples', settingKey: 'convscope.smoothGrad.samples', label: 'Samples', hint: 'noisy copies averaged' },
    sigma: { type: 'number', default: 0.15, min: 0, cliFlag: 'sigma', label: 'Noise', hint: 'noise standard deviation as a fraction of the input range' },
    seed: { type: 'int', default: 0, cliFlag: 'seed', label: 'Seed', hint: 'seed of the noise' },
  },
  cost: (o, model) => {
    const { samples: n, base } = withDefaults(smoothGradMethod, o, ['samples', 'base']);
    // Like occlusion's window check: a run the model cannot do is refused before it is announced.
    requireRuleSupport(model, baseRule(base));
    return { forwardPasses: n, backwardPasses: n, summary: `${n} noisy samples: ${n} forward + backward passes` };
  },
  run: (ctx, options) => smoothGrad(ctx.model, ctx.input, options, ctx.progress, ctx.signal, ctx),
  result: 'attribution',
};
