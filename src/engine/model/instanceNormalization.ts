// Instance normalization (Ulyanov et al. 2016) as a TF.js layer the engine registers, so that a
// style network saved by `style-train` is a plain layers model.json that loads again with
// `tf.loadLayersModel` once this class is registered (the class name is keras-contrib's).
//
// Why a custom layer rather than standard ones: TF.js has no Lambda layer, and LayerNormalization
// over axes [1, 2] would normalize per image and channel but gives its gamma/beta the spatial
// shape [H, W] (so a fixed input size) and tiles the moments to the full input shape on every call.
import * as tf from '../tf';
import * as tfl from '@tensorflow/tfjs-layers';

export interface InstanceNormalizationArgs {
  name?: string;
  /** Added to the variance before the square root (1e-5: PyTorch's InstanceNorm2d). */
  epsilon?: number;
  trainable?: boolean;
}

/**
 * y = γ_c · (x − μ_{n,c}) / √(σ²_{n,c} + ε) + β_c, with μ and σ² the mean and (biased) variance of
 * channel c of image n over its height and width: each image is normalized on its own, so a batch
 * gives the same result as its images one by one.
 */
export class InstanceNormalization extends tfl.layers.Layer {
  static readonly className = 'InstanceNormalization';
  readonly epsilon: number;
  private gamma?: tfl.LayerVariable;
  private beta?: tfl.LayerVariable;

  constructor(args: InstanceNormalizationArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
    this.supportsMasking = true;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (shape.length !== 4 || channels == null) throw new Error(`InstanceNormalization '${this.name}' needs a [batch, height, width, channels] input with known channels, got [${shape.join(', ')}]`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      // σ² = E[x²] − E[x]² (clamped at 0 against rounding): on wasm this is ~5× faster than
      // tf.moments, whose broadcast subtraction over the whole map dominates a forward pass.
      // Activations entering here are conv outputs of moderate mean, so the cancellation is mild.
      const mean = tf.mean(x, [1, 2], true);
      const variance = tf.relu(tf.sub(tf.mean(tf.square(x), [1, 2], true), tf.square(mean)));
      // y = x·s + (β − μ·s) with s = γ/√(σ² + ε): two passes over the map instead of four.
      const scale = tf.mul(tf.rsqrt(tf.add(variance, this.epsilon)), this.gamma!.read());
      const shift = tf.sub(this.beta!.read(), tf.mul(mean, scale));
      // One image: [C] operands take wasm's fast trailing-axis broadcast (Add 3 ms instead of
      // 17 ms on 256²×16 with a [1, 1, 1, C] operand).
      if (x.shape[0] === 1) return tf.add(tf.mul(x, tf.reshape(scale, [-1])), tf.reshape(shift, [-1]));
      return tf.add(tf.mul(x, scale), shift);
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(InstanceNormalization);
