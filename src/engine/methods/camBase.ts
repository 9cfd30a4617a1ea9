import * as tf from '../tf';
import { UserError } from '../errors';
import type { LoadedModel } from '../model/loadedModel';
import { interruptibleGrad } from './interruptibleGrad';
import { objective, resolveTarget } from './target';
import { checkpoint, toArrayND, type AttributionResult, type Method, type TargetSpec } from './types';

export interface CamOptions {
  target?: TargetSpec;
  /** Layer whose output A is weighted; default: the last conv-type layer. */
  layer?: string;
}

/** One CAM variant differs from another only in how it weights A's channels (as in pytorch-grad-cam). */
export type CamWeights = (activations: tf.Tensor4D, gradients: tf.Tensor4D) => tf.Tensor2D;

/** The last conv-type layer with a spatial output: what "Grad-CAM on the last conv layer" means. */
export function defaultCamLayer(model: LoadedModel): string {
  const conv = [...model.layers].reverse().find((l) => l.isConv && l.outputShape.length === 3);
  if (!conv) throw new UserError(`${model.file}: no conv layer found; pass --layer with a layer that has a spatial output`);
  return conv.name;
}

/**
 * The shared CAM pipeline: A = output of the layer, G = ∂target/∂A (through A only),
 * map = ReLU(Σ_k w_k A_k) at layer resolution, then upsampled (bilinear) to the input for display.
 */
export function camMethod(name: string, camWeights: CamWeights): Method<CamOptions, AttributionResult> {
  return async (model, input, options, progress, signal) => {
    await checkpoint(signal);
    const layer = options.layer ?? defaultCamLayer(model);
    const target = resolveTarget(model, input, options.target);
    // Three forward passes follow one another here; on a large network each takes about half a
    // second, so a cancel is looked for between them (and during the backward pass).
    await checkpoint(signal);
    const A = tf.tidy(() => model.forward(input, { capture: [layer] }).captured.get(layer)!) as tf.Tensor4D;
    if (A.rank !== 4) {
      A.dispose();
      throw new UserError(`${model.file}: layer '${layer}' has no spatial output (shape [${A.shape.join(', ')}]); CAM needs a conv-type layer`);
    }
    let G: tf.Tensor4D;
    try {
      G = (await interruptibleGrad((a) => tf.sum(objective(model, input, target, { replace: { layer, value: a } })), A, signal)) as tf.Tensor4D;
    } catch (e) {
      A.dispose();
      throw e;
    }
    const [cam, camNoRelu, upsampled, weights] = tf.tidy(() => {
      const w = camWeights(A, G);
      const raw = tf.sum(tf.mul(A, tf.reshape(w, [1, 1, 1, -1])), 3) as tf.Tensor3D;
      const relu = tf.relu(raw);
      const up = tf.image.resizeBilinear(tf.expandDims(relu, 3) as tf.Tensor4D, [model.inputShape.height, model.inputShape.width], false, true);
      return [tf.squeeze(relu, [0]), tf.squeeze(raw, [0]), tf.squeeze(up, [0, 3]), tf.squeeze(w, [0])];
    });
    tf.dispose([A, G]);
    progress({ fraction: 1, message: `${name} at ${layer}: 1 backward pass` });
    try {
      return {
        method: name,
        target,
        attribution: await toArrayND(cam),
        map: await toArrayND(upsampled),
        signedMap: false,
        details: { layer, forwardPasses: 2, backwardPasses: 1 },
        extra: { mapNoRelu: await toArrayND(camNoRelu), channelWeights: await toArrayND(weights) },
      };
    } finally {
      tf.dispose([cam, camNoRelu, upsampled, weights]);
    }
  };
}
