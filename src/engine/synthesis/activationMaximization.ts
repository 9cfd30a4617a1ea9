import * as tf from '../tf';
import { UserError } from '../errors';
import type { LoadedModel } from '../model/loadedModel';
import { channelMean, classScore, type Objective } from '../objectives';
import { adam, gradientAscent, type Optimizer } from './optimizers';
import { fourierParameterization, initialPixels, initialSpectrum, pixelParameterization, type Parameterization } from './parameterization';
import type { Preset } from './presets';
import { clipSmallContribution, clipSmallNorm, decay, gaussianBlur, l2FromGrey, totalVariation } from './regularizers';
import { redirectedRule } from './redirectedRelu';
import { requireLayers } from './layers';
import type { PenaltyTerm, Projection, RenderSpec } from './renderLoop';

/** What to maximize: a class score (pre-softmax) or the mean of one channel of a layer. */
export type VisualizationTarget = { kind: 'class'; index: number } | { kind: 'channel'; layer: string; channel: number };

export function visualizationObjective(model: LoadedModel, target: VisualizationTarget): Objective {
  if (target.kind === 'class') {
    if (!Number.isInteger(target.index) || target.index < 0 || target.index >= model.numClasses) throw new UserError(`${model.file}: target class must be 0..${model.numClasses - 1}; got ${target.index}`);
    return classScore(target.index, 'logit', model.config.outputIsProbability);
  }
  requireLayers(model, [target.layer]);
  const layer = model.layers.find((l) => l.name === target.layer);
  // A node of a graph model (no shape known): its forward pass checks the name; the channel is checked by slice.
  if (!layer || layer.outputShape.length === 0) return channelMean(target.layer, target.channel);
  const channels = layer.outputShape[layer.outputShape.length - 1] ?? 0;
  if (layer.outputShape.length !== 3 || !(channels > 0)) throw new UserError(`${model.file}: layer '${target.layer}' has no channels to visualize (output ${JSON.stringify(layer.outputShape)})`);
  if (!Number.isInteger(target.channel) || target.channel < 0 || target.channel >= channels) throw new UserError(`${model.file}: layer '${target.layer}' has channels 0..${channels - 1}; got ${target.channel}`);
  return channelMean(target.layer, target.channel);
}

export function makeOptimizer(spec: Preset['optimizer']): Optimizer {
  return spec.kind === 'adam' ? adam(spec.learningRate) : gradientAscent(spec.learningRate, spec.normalize, spec.maxRate);
}

export function makeParameterization(kind: Preset['parameterization'], height: number, width: number, channels: 1 | 3, seed: number, initSd: number, decayPower = 1): { parameterization: Parameterization; init: tf.Tensor } {
  if (kind === 'fourier') return { parameterization: fourierParameterization(height, width, channels, decayPower), init: initialSpectrum(height, width, channels, seed) };
  return { parameterization: pixelParameterization(height, width, channels), init: initialPixels(height, width, channels, seed, initSd) };
}

/** Yosinski et al.'s regularizers of a preset, as the loop's projections, in their toolbox's order. */
export function presetProjections(preset: Preset): Projection[] {
  const out: Projection[] = [];
  if (preset.decay) out.push({ name: 'decay', every: 1, apply: (p) => decay(p, preset.decay!) });
  if (preset.blurEvery && preset.blurWidth) out.push({ name: 'blur', every: preset.blurEvery, apply: (p) => gaussianBlur(p as tf.Tensor4D, preset.blurWidth!) });
  if (preset.normPercentile) out.push({ name: 'clip small norm', every: 1, apply: (p) => clipSmallNorm(p as tf.Tensor4D, preset.normPercentile!) });
  if (preset.contributionPercentile) out.push({ name: 'clip small contribution', every: 1, apply: (p, g) => clipSmallContribution(p as tf.Tensor4D, g as tf.Tensor4D, preset.contributionPercentile!) });
  return out;
}

export function presetPenalties(preset: Preset): PenaltyTerm[] {
  const out: PenaltyTerm[] = [];
  if (preset.l2) out.push({ name: 'L2', weight: preset.l2, penalty: l2FromGrey });
  if (preset.tv) out.push({ name: 'total variation', weight: preset.tv, penalty: (x) => totalVariation(x, 2) });
  return out;
}

export interface VisualizationPlan {
  target: VisualizationTarget;
  preset: Preset;
  steps: number;
  /** The rendered image's side; class targets render at the model's input size. */
  height: number;
  width: number;
  seed: number;
}

/**
 * The render spec of a class or channel visualization. Class targets need the whole network, so
 * the image is the model's input size; channels render at any size (the forward pass stops at the
 * layer, so a fixed-size head does not matter).
 */
export function visualizationSpec(model: LoadedModel, plan: VisualizationPlan): RenderSpec {
  const objective = visualizationObjective(model, plan.target);
  const { preset } = plan;
  const { parameterization, init } = makeParameterization(preset.parameterization, plan.height, plan.width, model.inputShape.channels, plan.seed, preset.initSd, preset.decayPower);
  return {
    model,
    parameterization,
    init,
    terms: [{ name: objective.description, weight: 1, objective }],
    penalties: presetPenalties(preset),
    transforms: preset.transforms(Math.min(plan.height, plan.width)),
    // A class score reads the whole network: whatever the transforms did, it sees its input size.
    modelSize: plan.target.kind === 'class' ? { height: model.inputShape.height, width: model.inputShape.width } : { height: plan.height, width: plan.width },
    projections: presetProjections(preset),
    optimizer: makeOptimizer(preset.optimizer),
    steps: plan.steps,
    seed: plan.seed,
    ...(preset.redirectRelu && model.capabilities.has('relu-rules') ? { relu: redirectedRule } : {}),
  };
}
