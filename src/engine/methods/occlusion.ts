import * as tf from '../tf';
import { UserError } from '../errors';
import type { LoadedModel } from '../model/loadedModel';
import { batchSizeFor, defaultMemoryBudgetBytes, runBatches } from './batching';
import { withDefaults, type MethodDescriptor } from './descriptor';
import { objective, resolveTarget } from './target';
import { checkpoint, toArrayND, type AttributionResult, type Method, type TargetSpec } from './types';

export interface OcclusionOptions {
  target?: TargetSpec;
  /** Window size in pixels (square), covering all channels. */
  window?: number;
  stride?: number;
  /** Value the window is filled with, in model-input space. */
  baseline?: number;
  /** Score whose drop is measured. */
  output?: 'logit' | 'probability';
  memoryBudgetBytes?: number;
}

export interface OcclusionPlan {
  rows: number[];
  cols: number[];
  windows: number;
  /** The most windows one batch may hold (memory budget); batches are also kept short in time. */
  batchSize: number;
  /** Windows plus the unoccluded input. */
  forwardPasses: number;
}

/**
 * Window corners along one axis: 0, s, 2s… ≤ size − w as Captum places them, plus a last window
 * flush with the far edge when the stride does not tile exactly, so every pixel is covered.
 */
export function windowStarts(size: number, window: number, stride: number): number[] {
  const starts: number[] = [];
  for (let p = 0; p + window <= size; p += stride) starts.push(p);
  if (starts[starts.length - 1] !== size - window) starts.push(size - window);
  return starts;
}

/** The cost of an occlusion run, known before running it (shown to users up front). */
export function planOcclusion(model: LoadedModel, options: OcclusionOptions): OcclusionPlan {
  const { window, stride } = withDefaults(occlusionMethod, options, ['window', 'stride']);
  const { height, width } = model.inputShape;
  if (!Number.isInteger(window) || window < 1 || window > Math.min(height, width)) throw new UserError(`occlusion window must be 1..${Math.min(height, width)} pixels; got ${window}`);
  if (!Number.isInteger(stride) || stride < 1) throw new UserError(`occlusion stride must be a positive integer; got ${stride}`);
  const rows = windowStarts(height, window, stride);
  const cols = windowStarts(width, window, stride);
  const windows = rows.length * cols.length;
  const batchSize = batchSizeFor(model, windows, options.memoryBudgetBytes ?? defaultMemoryBudgetBytes, false);
  return { rows, cols, windows, batchSize, forwardPasses: windows + 1 };
}

/**
 * Occlusion (Zeiler & Fergus), as Captum computes it: each window's drop in the target score
 * f(x) − f(x with the window set to the baseline) is added to every pixel of the window, and each
 * pixel gets the mean over the windows that cover it. Windows run in batches.
 */
export const occlusion: Method<OcclusionOptions, AttributionResult> = async (model, input, options, progress, signal, control = {}) => {
  const { window, stride, baseline, output } = withDefaults(occlusionMethod, options, ['window', 'stride', 'baseline', 'output']);
  const plan = planOcclusion(model, options);
  await checkpoint(signal);
  const target = resolveTarget(model, input, options.target);
  // resolveTarget may have run a forward pass: see a cancel before the next one.
  await checkpoint(signal);
  const { height: H, width: W, channels: C } = model.inputShape;
  progress({ fraction: 0, message: `occlusion: ${plan.windows} windows in batches of up to ${plan.batchSize} (${plan.forwardPasses} forward passes)` });
  const fx = tf.tidy(() => objective(model, input, target, { output }).dataSync()[0]!);
  const deltas = new Float64Array(plan.windows);
  let passes = 1;
  const run = await runBatches(plan.windows, plan.batchSize, signal, progress, 'occlusion window', (start, count) => {
    const scores = tf.tidy(() => {
      const mask = new Float32Array(count * H * W);
      for (let i = 0; i < count; i++) {
        const k = start + i;
        const r0 = plan.rows[Math.floor(k / plan.cols.length)]!;
        const c0 = plan.cols[k % plan.cols.length]!;
        for (let r = r0; r < r0 + window; r++) mask.fill(1, i * H * W + r * W + c0, i * H * W + r * W + c0 + window);
      }
      const m = tf.tensor4d(mask, [count, H, W, 1]);
      const occluded = tf.add(tf.mul(input, tf.sub(1, m)), tf.mul(m, baseline)) as tf.Tensor4D;
      return objective(model, occluded, target, { output }).dataSync();
    });
    scores.forEach((s, i) => (deltas[start + i] = fx - s));
    passes += count;
  }, control.stop);
  const { largestBatch, done } = run;
  const { attribution, map } = spreadDeltas(plan, deltas, done, window, H, W, C);
  return {
    method: 'occlusion',
    target,
    attribution,
    map,
    signedMap: true,
    details: { window, stride, baseline, output, windows: plan.windows, batchSize: largestBatch, forwardPassesPlanned: plan.forwardPasses, forwardPasses: passes, ...(run.stopped ? { stoppedAfter: done } : {}) },
    warnings: run.stopped ? [`stopped after ${done} of ${plan.windows} windows: pixels no window covered yet are 0`] : [],
    extra: { windowDeltas: { shape: [plan.rows.length, plan.cols.length], data: Float32Array.from(deltas) } },
  };
};

/** Spreads the first `done` windows' deltas (all of them unless the run was stopped); uncovered pixels get 0. */
function spreadDeltas(plan: OcclusionPlan, deltas: Float64Array, done: number, window: number, H: number, W: number, C: number) {
  const sum = new Float64Array(H * W);
  const count = new Uint32Array(H * W);
  plan.rows.forEach((r0, i) =>
    plan.cols.forEach((c0, j) => {
      if (i * plan.cols.length + j >= done) return;
      const d = deltas[i * plan.cols.length + j]!;
      for (let r = r0; r < r0 + window; r++) {
        for (let c = c0; c < c0 + window; c++) {
          sum[r * W + c]! += d;
          count[r * W + c]! += 1;
        }
      }
    }),
  );
  const map = new Float32Array(H * W);
  const attribution = new Float32Array(H * W * C);
  for (let p = 0; p < H * W; p++) {
    map[p] = count[p]! > 0 ? sum[p]! / count[p]! : 0;
    attribution.fill(map[p]!, p * C, p * C + C);
  }
  return { attribution: { shape: [H, W, C], data: attribution }, map: { shape: [H, W], data: map } };
}

export const occlusionMethod: MethodDescriptor<OcclusionOptions> = {
  name: 'occlusion',
  label: 'Occlusion',
  hint: 'Drop of the target score when a sliding window is blanked out (signed)',
  options: {
    // The largest window is the input's smaller side; planOcclusion checks it against the model.
    window: { type: 'int', default: 8, min: 1, cliFlag: 'window', settingKey: 'convscope.occlusion.window', label: 'Window', hint: 'window size in pixels (square)' },
    stride: { type: 'int', default: 4, min: 1, cliFlag: 'stride', settingKey: 'convscope.occlusion.stride', label: 'Stride', hint: 'step between windows in pixels' },
    baseline: { type: 'number', default: 0, cliFlag: 'baseline', label: 'Baseline', hint: 'value the window is filled with, in model-input space' },
    output: { type: 'choice', default: 'logit', choices: ['logit', 'probability'], cliFlag: 'occlusion-output', label: 'Score', hint: 'score whose drop is measured' },
  },
  cost: (o, model) => {
    const plan = planOcclusion(model, o);
    return { forwardPasses: plan.forwardPasses, backwardPasses: 0, summary: `${plan.windows} windows in batches of up to ${plan.batchSize}: ${plan.forwardPasses} forward passes` };
  },
  run: (ctx, options) => occlusion(ctx.model, ctx.input, options, ctx.progress, ctx.signal, ctx),
  result: 'attribution',
};
