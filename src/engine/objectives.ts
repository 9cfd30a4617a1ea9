// What a method explains or a synthesis maximises, as one scalar per sample of a batch. Attribution
// (class score, neuron) and the coming synthesis (layer L2 for DeepDream, feature distance for
// inversion, Gram distance for textures and style) build on the same pieces, after Lucid/Lucent's
// objectives: each names the layers it reads, and objectives add and scale.
import * as tf from './tf';
import type { ForwardOptions, ForwardResult, LoadedModel } from './model/loadedModel';

export interface Objective {
  /** Layers whose outputs `score` reads (captured by the forward pass). */
  layers: string[];
  /** Human-readable, for progress lines and results. */
  description: string;
  /** [N]: one value per sample of the batch. */
  score(forward: ForwardResult): tf.Tensor1D;
}

/** Runs the model once, capturing what the objective reads, and scores every sample. */
export function evaluateObjective(model: LoadedModel, x: tf.Tensor4D, objective: Objective, options: Omit<ForwardOptions, 'capture'> = {}): tf.Tensor1D {
  return tf.tidy(() => objective.score(model.forward(x, { ...options, capture: objective.layers })));
}

/** The pre-softmax score of class `index` (or its softmax probability). */
export function classScore(index: number, output: 'logit' | 'probability' = 'logit', outputIsProbability = false): Objective {
  return {
    layers: [],
    description: `class ${index} ${output}`,
    score: ({ logits }) => {
      const scores = output === 'probability' && !outputIsProbability ? tf.softmax(logits) : logits;
      return tf.reshape(tf.slice(scores, [0, index], [-1, 1]), [logits.shape[0]]);
    },
  };
}

/** The spatial mean of one channel of a layer (a "neuron" in the saliency sense). */
export function channelMean(layer: string, channel: number): Objective {
  return {
    layers: [layer],
    description: `mean of ${layer} channel ${channel}`,
    score: ({ captured }) => {
      const a = captured.get(layer)!;
      // slice, not gather: its gradient (a pad) is cheap on every backend.
      const begin = a.shape.map((_, i) => (i === a.rank - 1 ? channel : 0));
      const size = a.shape.map((d, i) => (i === a.rank - 1 ? 1 : d));
      return tf.mean(tf.slice(a, begin, size), perSampleAxes(a)) as tf.Tensor1D;
    },
  };
}

/**
 * One unit: channel `channel` of a layer at one position (default the centre), as Lucid's
 * `neuron` objective; the position is in the layer's own grid.
 */
export function neuron(layer: string, channel: number, position?: { y: number; x: number }): Objective {
  return {
    layers: [layer],
    description: `${layer} channel ${channel} at ${position ? `(${position.y}, ${position.x})` : 'the centre'}`,
    score: ({ captured }) => {
      const a = captured.get(layer)!;
      const [n, h, w] = a.shape as [number, number, number, number];
      const y = position?.y ?? Math.floor(h / 2);
      const x = position?.x ?? Math.floor(w / 2);
      return tf.reshape(tf.slice(a, [0, y, x, channel], [n, 1, 1, 1]), [n]) as tf.Tensor1D;
    },
  };
}

/** Mean of the squared activations of a layer (DeepDream's objective). */
export function layerL2(layer: string): Objective {
  return {
    layers: [layer],
    description: `L2 of ${layer}`,
    score: ({ captured }) => {
      const a = captured.get(layer)!;
      return tf.mean(tf.square(a), perSampleAxes(a)) as tf.Tensor1D;
    },
  };
}

/** Mean squared distance between a layer's output and a target output (feature inversion). */
export function featureDistance(layer: string, target: tf.Tensor): Objective {
  return {
    layers: [layer],
    description: `feature distance at ${layer}`,
    score: ({ captured }) => {
      const a = captured.get(layer)!;
      return tf.mean(tf.squaredDifference(a, target), perSampleAxes(a)) as tf.Tensor1D;
    },
  };
}

/** Per-sample Gram matrices [N, C, C] of an [N, H, W, C] output: G = Fᵀ·F / (H·W). */
export function gramMatrices(a: tf.Tensor): tf.Tensor3D {
  return tf.tidy(() => {
    const n = a.shape[0]!;
    const channels = a.shape[a.rank - 1]!;
    const positions = a.size / (n * channels);
    const F = tf.reshape(a, [n, positions, channels]) as tf.Tensor3D;
    return tf.div(tf.matMul(F, F, true, false), positions) as tf.Tensor3D;
  });
}

/**
 * Mean squared distance between a layer's Gram matrix and a target [C, C] (textures, style).
 * `features` maps the activation before the Gram (e.g. a softmax smoothing); default: as it is.
 */
export function gramDistance(layer: string, targetGram: tf.Tensor2D, features: (a: tf.Tensor) => tf.Tensor = (a) => a): Objective {
  return {
    layers: [layer],
    description: `Gram distance at ${layer}`,
    score: ({ captured }) => tf.mean(tf.squaredDifference(gramMatrices(features(captured.get(layer)!)), targetGram), [1, 2]) as tf.Tensor1D,
  };
}

/** Σ weightᵢ · objectiveᵢ: objectives compose (e.g. style + content, several dream layers). */
export function weightedSum(terms: Array<{ weight: number; objective: Objective }>): Objective {
  return {
    layers: [...new Set(terms.flatMap((t) => t.objective.layers))],
    description: terms.map((t) => `${t.weight}·${t.objective.description}`).join(' + '),
    score: (forward) => terms.map((t) => tf.mul(t.objective.score(forward), t.weight) as tf.Tensor1D).reduce((a, b) => tf.add(a, b) as tf.Tensor1D),
  };
}

function perSampleAxes(a: tf.Tensor): number[] {
  return a.shape.slice(1).map((_, i) => i + 1);
}
