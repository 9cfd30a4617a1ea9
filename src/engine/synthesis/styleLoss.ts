import * as tf from '../tf';
import type { LoadedModel } from '../model/loadedModel';
import { gramDistance, gramMatrices } from '../objectives';
import { toModelInput } from './imageSpace';
import type { ObjectiveTerm } from './renderLoop';

/** How activations are mapped before their Gram matrix is taken. */
export type Smoothing = 'none' | 'softmax';

/**
 * Wang et al. 2021 (SWAG): on networks other than VGG, peaky, low-entropy activations make the
 * Gram matrices dominated by a few large values; a softmax over the channels at each position
 * (the authors' code: torch.nn.Softmax2d on x / T, T = 1, peiwang062/swag resnet_swag.py) smooths
 * them. Applied to the style Grams and, as in that code, to the content features.
 */
export function smoothFeatures(smoothing: Smoothing): (a: tf.Tensor) => tf.Tensor {
  if (smoothing === 'none') return (a) => a;
  return (a) => tf.softmax(a);
}

/** The (smoothed) Gram matrices [C, C] of a display image at the given layers, forward only up to them. */
export function gramTargets(model: LoadedModel, image: tf.Tensor4D, layers: readonly string[], smoothing: Smoothing): Map<string, tf.Tensor2D> {
  const smooth = smoothFeatures(smoothing);
  const grams = tf.tidy(() => {
    const { captured } = model.forward(toModelInput(image, model.config.preprocessing), { capture: [...layers], stopAtCaptured: true });
    return layers.map((l) => tf.squeeze(gramMatrices(smooth(captured.get(l)!)), [0]) as tf.Tensor2D);
  });
  return new Map(layers.map((l, i) => [l, grams[i]!]));
}

/**
 * One loss term per layer: −weight · ‖G(x̂) − G‖² / ‖G‖² (relative, so layers of different scales
 * weigh as their weights say). The term's value in the curve is the relative Gram loss itself.
 */
export function gramTerms(targets: Map<string, tf.Tensor2D>, weights: ReadonlyMap<string, number>, smoothing: Smoothing, prefix = 'Gram loss'): ObjectiveTerm[] {
  const smooth = smoothFeatures(smoothing);
  return [...targets.entries()].map(([layer, gram]) => {
    const scale = tf.tidy(() => tf.mean(tf.square(gram)).dataSync()[0]!);
    const distance = gramDistance(layer, gram, smooth);
    return {
      name: `${prefix} ${layer}`,
      weight: -(weights.get(layer) ?? 1),
      objective: { ...distance, score: (f) => tf.div(distance.score(f), Math.max(scale, 1e-30)) as tf.Tensor1D },
    };
  });
}

/**
 * The content term: −weight · ‖s(φ(x̂)) − s(φ(c))‖² / ‖s(φ(c))‖² at one layer, s the smoothing
 * (Gatys et al.'s content loss, relative so its weight reads against the style terms').
 */
export function contentTerm(model: LoadedModel, content: tf.Tensor4D, layer: string, smoothing: Smoothing, weight: number): { term: ObjectiveTerm; target: tf.Tensor } {
  const smooth = smoothFeatures(smoothing);
  const target = tf.tidy(() => smooth(model.forward(toModelInput(content, model.config.preprocessing), { capture: [layer], stopAtCaptured: true }).captured.get(layer)!));
  const scale = tf.tidy(() => tf.mean(tf.square(target)).dataSync()[0]!);
  const term: ObjectiveTerm = {
    name: `content loss ${layer}`,
    weight: -weight,
    objective: {
      layers: [layer],
      description: `content distance at ${layer}`,
      score: ({ captured }) => {
        const a = smooth(captured.get(layer)!);
        return tf.div(tf.mean(tf.squaredDifference(a, target), a.shape.slice(1).map((_, i) => i + 1)), Math.max(scale, 1e-30)) as tf.Tensor1D;
      },
    },
  };
  return { term, target };
}
