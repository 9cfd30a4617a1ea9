import * as tf from '../tf';
import type { LoadedModel, ReluRule } from '../model/loadedModel';
import type { Objective } from '../objectives';
import { interruptibleGrad } from '../methods/interruptibleGrad';
import { seededUniform } from '../methods/seededNoise';
import { checkpoint, type ProgressFn } from '../methods/types';
import { toModelInput } from './imageSpace';
import type { Optimizer } from './optimizers';
import type { Parameterization } from './parameterization';
import { applyTransforms, resizeTo, type Transform } from './transforms';

/** A model objective, weighted; the loop maximizes Σ weight·objective (mean over the batch). */
export interface ObjectiveTerm {
  name: string;
  weight: number;
  objective: Objective;
}

/** A differentiable penalty of the display image (before transforms), subtracted with its weight. */
export interface PenaltyTerm {
  name: string;
  weight: number;
  penalty: (image: tf.Tensor4D) => tf.Scalar;
}

/** A change of the parameters after the update, at steps that are multiples of `every` (Yosinski's regularizers). */
export interface Projection {
  name: string;
  every: number;
  apply(params: tf.Tensor, gradient: tf.Tensor): tf.Tensor;
}

export interface RenderSpec {
  model: LoadedModel;
  parameterization: Parameterization;
  /** The starting parameters; the loop takes ownership (disposes them). */
  init: tf.Tensor;
  terms: ObjectiveTerm[];
  penalties?: PenaltyTerm[];
  transforms?: Transform[];
  /** The size the model reads after the transforms; default: the image's own size. */
  modelSize?: { height: number; width: number };
  projections?: Projection[];
  optimizer: Optimizer;
  steps: number;
  seed: number;
  /** How ReLUs pass the gradient back (layers models only); default plain autodiff. */
  relu?: ReluRule;
}

/** One point of the loss curve: the value of every term before the step's update. */
export interface CurvePoint {
  step: number;
  /** Σ weight·term − Σ weight·penalty: what the loop increases. */
  total: number;
  terms: Record<string, number>;
}

export interface RenderFrame {
  step: number;
  of: number;
  point: CurvePoint;
  /** The display image now, [1, H, W, C] in [0, 1]; the receiver disposes it. */
  image(): tf.Tensor4D;
}

export interface RenderControl {
  signal: AbortSignal;
  /** Ends the loop after the current step, keeping the image so far. */
  stop?: AbortSignal;
  progress?: ProgressFn;
  /** Called after every step; it decides (throttles) whether to look at the image. */
  onStep?: (frame: RenderFrame) => void;
  /** Names the job in progress lines. */
  label?: string;
}

export interface RenderResult {
  /** The final display image [1, H, W, C] in [0, 1]; the caller disposes it. */
  image: tf.Tensor4D;
  curve: CurvePoint[];
  stepsDone: number;
  stopped: boolean;
}

/**
 * The one render loop of every synthesis (DESIGN.md §3, after Lucid's render_vis): parameters →
 * image → random transforms → the model → weighted objectives minus penalties; the gradient of
 * that (cancellable mid-backward) goes to the optimizer, then projections keep the parameters
 * regular and valid. Seeded: the same spec gives the same image. A stop ends it after the current
 * step with the image so far; a cancel rejects. Nothing it makes outlives it but the result.
 */
export async function render(spec: RenderSpec, control: RenderControl): Promise<RenderResult> {
  const { model, parameterization: param, optimizer } = spec;
  const random = seededUniform(spec.seed);
  const layers = [...new Set(spec.terms.flatMap((t) => t.objective.layers))];
  const readsLogits = spec.terms.some((t) => t.objective.layers.length === 0);
  const names = [...spec.terms.map((t) => t.name), ...(spec.penalties ?? []).map((p) => p.name)];
  const curve: CurvePoint[] = [];
  let params = spec.init;
  let stopped = false;
  try {
    for (let step = 0; step < spec.steps; step++) {
      await checkpoint(control.signal);
      if (control.stop?.aborted) {
        stopped = true;
        break;
      }
      const transform = applyTransforms(spec.transforms ?? [], random);
      let values: tf.Tensor | undefined;
      // The value of every term rides out of the gradient's scope, kept; it is not on the path to the total.
      const total = (p: tf.Tensor): tf.Tensor => {
        const image = param.toImage(p);
        let seen = transform(image);
        if (spec.modelSize) seen = resizeTo(seen, spec.modelSize.height, spec.modelSize.width);
        const forward = model.forward(toModelInput(seen, model.config.preprocessing), { capture: layers, relu: spec.relu, ...(readsLogits ? {} : { stopAtCaptured: true }) });
        const termValues = spec.terms.map((t) => tf.mean(t.objective.score(forward)) as tf.Scalar);
        const penaltyValues = (spec.penalties ?? []).map((p) => p.penalty(image));
        values = tf.keep(tf.stack([...termValues, ...penaltyValues]));
        const gains = termValues.map((v, i) => tf.mul(v, spec.terms[i]!.weight));
        const costs = penaltyValues.map((v, i) => tf.mul(v, -spec.penalties![i]!.weight));
        return tf.addN([...gains, ...costs]);
      };
      let gradient: tf.Tensor;
      try {
        gradient = await interruptibleGrad(total, params, control.signal);
      } catch (e) {
        values?.dispose();
        throw e;
      }
      const point = curvePoint(step, names, spec, values!);
      values!.dispose();
      curve.push(point);
      let next = optimizer.step(params, gradient, point.total);
      for (const projection of spec.projections ?? []) {
        if (projection.every > 0 && (step + 1) % projection.every === 0) next = replace(next, projection.apply(next, gradient));
      }
      next = replace(next, param.project(next));
      gradient.dispose();
      params.dispose();
      params = next;
      control.progress?.({ fraction: (step + 1) / spec.steps, message: `${control.label ?? 'synthesis'} step ${step + 1}/${spec.steps}` });
      const current = params;
      control.onStep?.({ step: step + 1, of: spec.steps, point, image: () => param.toImage(current) });
    }
    // An optimizer that tries points (L-BFGS's line search) keeps its best evaluated one.
    if (optimizer.settle) params = replace(params, optimizer.settle(params));
    return { image: param.toImage(params), curve, stepsDone: curve.length, stopped };
  } finally {
    params.dispose();
    optimizer.dispose();
  }
}

/** `next`, after freeing the tensor it replaces. */
function replace(old: tf.Tensor, next: tf.Tensor): tf.Tensor {
  if (next !== old) old.dispose();
  return next;
}

function curvePoint(step: number, names: string[], spec: RenderSpec, values: tf.Tensor): CurvePoint {
  const v = values.dataSync();
  const terms: Record<string, number> = {};
  names.forEach((n, i) => (terms[n] = v[i]!));
  const gain = spec.terms.reduce((s, t, i) => s + t.weight * v[i]!, 0);
  const cost = (spec.penalties ?? []).reduce((s, p, i) => s + p.weight * v[spec.terms.length + i]!, 0);
  return { step, total: gain - cost, terms };
}
