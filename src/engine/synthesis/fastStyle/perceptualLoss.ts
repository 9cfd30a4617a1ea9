// Johnson et al.'s perceptual loss for training a transform network, in the same relative units as
// the optimization-based style transfer (style.ts), so that weights carry over between the two.
import * as tf from '../../tf';
import type { LoadedModel } from '../../model/loadedModel';
import { gramMatrices } from '../../objectives';
import { toModelInput } from '../imageSpace';
import { totalVariation } from '../regularizers';
import { smoothFeatures, type Smoothing } from '../styleLoss';

export interface PerceptualLossSpec {
  featureNet: LoadedModel;
  contentLayer: string;
  styleLayers: readonly string[];
  /** The style image's (smoothed) Gram matrices [C, C], one per style layer. */
  styleGrams: ReadonlyMap<string, tf.Tensor2D>;
  smoothing: Smoothing;
  contentWeight: number;
  styleWeight: number;
  tvWeight: number;
}

export interface LossParts {
  total: tf.Scalar;
  content: tf.Scalar;
  style: tf.Scalar;
  tv: tf.Scalar;
}

/** The content layer's (smoothed) features of display images: the targets of the content loss. */
export function contentFeatures(spec: PerceptualLossSpec, images: tf.Tensor4D): tf.Tensor {
  const smooth = smoothFeatures(spec.smoothing);
  return tf.tidy(() => smooth(spec.featureNet.forward(toModelInput(images, spec.featureNet.config.preprocessing), { capture: [spec.contentLayer], stopAtCaptured: true }).captured.get(spec.contentLayer)!));
}

/**
 * α·content + β·style + γ·TV of stylized images [N, H, W, 3] against the content features of their
 * sources (contentFeatures):
 *   content = ‖s(φ(ŷ)) − s(φ(x))‖² / ‖s(φ(x))‖²  (means over the batch's elements)
 *   style   = mean over layers and images of ‖G(ŷ_n) − G_style‖² / ‖G_style‖²
 *   TV      = totalVariation(ŷ, β = 2)
 * with s the smoothing and G the engine's Gram (F·Fᵀ / positions). One forward pass of the batch.
 */
export function perceptualLoss(spec: PerceptualLossSpec, stylized: tf.Tensor4D, targets: tf.Tensor): LossParts {
  const smooth = smoothFeatures(spec.smoothing);
  const layers = [...new Set([spec.contentLayer, ...spec.styleLayers])];
  const { captured } = spec.featureNet.forward(toModelInput(stylized, spec.featureNet.config.preprocessing), { capture: layers, stopAtCaptured: true });
  const features = smooth(captured.get(spec.contentLayer)!);
  const content = tf.div(tf.mean(tf.squaredDifference(features, targets)), tf.maximum(tf.mean(tf.square(targets)), 1e-30)) as tf.Scalar;
  const perLayer = spec.styleLayers.map((layer) => {
    const target = spec.styleGrams.get(layer)!;
    const grams = gramMatrices(smooth(captured.get(layer)!));
    return tf.div(tf.mean(tf.squaredDifference(grams, target)), tf.maximum(tf.mean(tf.square(target)), 1e-30));
  });
  const style = tf.div(tf.addN(perLayer), perLayer.length) as tf.Scalar;
  const tv = totalVariation(stylized, 2);
  const total = tf.addN([tf.mul(content, spec.contentWeight), tf.mul(style, spec.styleWeight), tf.mul(tv, spec.tvWeight)]) as tf.Scalar;
  return { total, content, style, tv };
}
