import * as tf from '../tf';
import { UserError } from '../errors';
import type { ForwardOptions, LoadedModel, ReluRule } from '../model/loadedModel';
import { channelMean, classScore, evaluateObjective } from '../objectives';
import type { Target, TargetSpec } from './types';

/** Fixes the target: the class index (default: the top class for this input) or a neuron. */
export function resolveTarget(model: LoadedModel, input: tf.Tensor4D, spec: TargetSpec = { kind: 'class' }): Target {
  if (spec.kind === 'neuron') {
    const layer = model.layers.find((l) => l.name === spec.layer);
    // Unknown names are reported by forward() with the list of valid ones.
    const channels = layer?.outputShape[layer.outputShape.length - 1];
    if (channels !== undefined && channels > 0 && (spec.channel < 0 || spec.channel >= channels || !Number.isInteger(spec.channel))) {
      throw new UserError(`${model.file}: layer '${spec.layer}' has channels 0..${channels - 1}; got ${spec.channel}`);
    }
    return { kind: 'neuron', layer: spec.layer, channel: spec.channel };
  }
  let index = spec.index;
  if (index === undefined) {
    index = tf.tidy(() => tf.argMax(model.forward(input).logits, 1).dataSync()[0]!);
  } else if (!Number.isInteger(index) || index < 0 || index >= model.numClasses) {
    throw new UserError(`${model.file}: target class must be 0..${model.numClasses - 1}; got ${index}`);
  }
  const label = model.config.hideClasses ? undefined : model.config.labels?.[index];
  return label === undefined ? { kind: 'class', index } : { kind: 'class', index, label };
}

/**
 * The scalar each sample of a batch is explained by, [N]: the pre-softmax class score, the class
 * probability (occlusion's 'probability' output), or the spatial mean of one channel. Built from
 * the shared objectives (objectives.ts) that synthesis uses too.
 */
export interface ObjectiveOptions {
  relu?: ReluRule;
  output?: 'logit' | 'probability';
  /** Substitute a layer's output (gradients with respect to that layer). */
  replace?: ForwardOptions['replace'];
}

export function objective(model: LoadedModel, x: tf.Tensor4D, target: Target, options: ObjectiveOptions = {}): tf.Tensor1D {
  const { relu, output = 'logit', replace } = options;
  const goal = target.kind === 'neuron' ? channelMean(target.layer, target.channel) : classScore(target.index, output, model.config.outputIsProbability);
  return evaluateObjective(model, x, goal, { relu, replace });
}
