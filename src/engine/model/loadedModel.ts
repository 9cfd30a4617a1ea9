import type * as tf from '../tf';
import type { ModelConfig } from './preprocessing';
// The layer table row is the protocol's LayerInfo (summary.ts calls it LayerSummary); taken from
// the protocol here so that this interface file imports nothing that imports it back.
import type { LayerInfo } from '../../shared/engineProtocol';

/**
 * How ReLUs back-propagate during a forward pass, as a hook (each gradient method's file defines
 * its own; model/backwardRules.ts has plain autodiff). Without `gradient`, ordinary autodiff;
 * with it, every ReLU — a ReLU layer or one fused into Conv2D/Dense — passes back what it returns
 * for its forward input z and incoming gradient dy (maxValue for ReLU6).
 */
export interface ReluRule {
  name: string;
  /** How errors name it, e.g. "the vanilla gradient". */
  label: string;
  gradient?: (z: tf.Tensor, dy: tf.Tensor, maxValue?: number) => tf.Tensor;
}

export interface ForwardOptions {
  relu?: ReluRule;
  /** Layer names whose outputs to return. */
  capture?: string[];
  /** Use this tensor as the output of the named layer (for gradients with respect to a layer). */
  replace?: { layer: string; value: tf.Tensor };
  /**
   * Run only what the captured layers need (the layers after them are skipped, and inputs of a
   * size the head cannot take are fine); `logits` is then an empty [N, 0] tensor.
   */
  stopAtCaptured?: boolean;
}

export interface ForwardResult {
  /** Pre-softmax scores [N, K] (a final softmax is stripped), or probabilities if the model says so. */
  logits: tf.Tensor2D;
  captured: Map<string, tf.Tensor>;
}

export interface InputShape {
  height: number;
  width: number;
  channels: 1 | 3;
}

/**
 * What a loaded model can do beyond a forward pass, so that methods ask for a capability rather
 * than branch on the format: 'layer-outputs' (layers or nodes addressable by name: activations,
 * Grad-CAM, neuron targets), 'relu-rules' (backward rules other than autodiff), 'kernels' (filters).
 */
export type Capability = 'layer-outputs' | 'relu-rules' | 'kernels';

/** A model ready for the methods: same surface for every format (see model/loaders/). */
export interface LoadedModel {
  file: string;
  /** The format it was loaded from (its loader's name). */
  kind: 'layers' | 'graph' | 'onnx' | 'keras';
  capabilities: ReadonlySet<Capability>;
  inputShape: InputShape;
  config: ModelConfig;
  numClasses: number;
  layers: LayerInfo[];
  /** Runs the model; call inside tf.tidy (or dispose the result). */
  forward(x: tf.Tensor4D, options?: ForwardOptions): ForwardResult;
  /** Conv kernels of a layer, [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]). */
  kernel(layerName: string): tf.Tensor4D;
  dispose(): void;
}
