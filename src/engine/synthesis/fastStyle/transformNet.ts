// The feed-forward transform network of fast style transfer (Johnson et al. 2016), with instance
// normalization in place of batch normalization (Ulyanov et al. 2016), at a width that runs in a
// few hundred milliseconds on one wasm core (Johnson's is 32/64/128 channels with 5 residual blocks:
// ~10 GMAC at 256², several seconds here).
import * as tf from '../../tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { InstanceNormalization } from '../../model/instanceNormalization';
import { ReflectionPadding2D } from '../../model/reflectionPadding';

export interface TransformNetShape {
  /** Channels of the first conv; the two downsampling convs double it each time. */
  width: number;
  residualBlocks: number;
}

export const defaultTransformNetShape: TransformNetShape = { width: 16, residualBlocks: 3 };

/**
 * display image [N, H, W, 3] in [0, 1] → stylized display image [N, H, W, 3] in [0, 1]; H and W
 * any multiples of 4 (two stride-2 convs down, two ×2 upsamplings back).
 *   9×9 conv (w) → 3×3/2 conv (2w) → 3×3/2 conv (4w) → residual blocks (4w)
 *   → ×2 nearest + 3×3 conv (2w) → ×2 nearest + 3×3 conv (w) → 5×5 conv (3) → sigmoid
 * Every conv reads its input reflection-padded (zero padding paints a frame). Every conv but the last is followed by instance normalization and a ReLU (the second conv of
 * a residual block: normalization only, before the add). The last conv is 5×5, not Johnson's 9×9:
 * on wasm a 9×9 conv to 3 channels took 72 ms at 256², a third of the whole pass. Upsampling is resize-then-convolve
 * (Odena et al. 2016): transposed convolutions leave checkerboard artifacts.
 */
export function buildTransformNet(shape: TransformNetShape = defaultTransformNetShape, seed = 0): tfl.LayersModel {
  let layerIndex = 0;
  const initializer = () => tfl.initializers.glorotUniform({ seed: seed * 1000 + layerIndex++ });
  // Reflection-padded, then 'valid': the output keeps the size (halved by a stride of 2).
  const conv = (x: tfl.SymbolicTensor, filters: number, kernelSize: number, name: string, strides = 1, useBias = false) => {
    const padded = new ReflectionPadding2D({ padding: Math.floor(kernelSize / 2), name: `${name}_pad` }).apply(x) as tfl.SymbolicTensor;
    const valid = tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'valid', useBias, kernelInitializer: initializer(), name });
    return valid.apply(padded) as tfl.SymbolicTensor;
  };
  const norm = (x: tfl.SymbolicTensor, name: string) => new InstanceNormalization({ name }).apply(x) as tfl.SymbolicTensor;
  const relu = (x: tfl.SymbolicTensor, name: string) => tfl.layers.reLU({ name }).apply(x) as tfl.SymbolicTensor;
  const block = (x: tfl.SymbolicTensor, filters: number, kernelSize: number, name: string, strides = 1) => relu(norm(conv(x, filters, kernelSize, `${name}_conv`, strides), `${name}_norm`), `${name}_relu`);

  const input = tfl.input({ shape: [null, null, 3], name: 'image' });
  const w = shape.width;
  let x = block(input, w, 9, 'down1');
  x = block(x, 2 * w, 3, 'down2', 2);
  x = block(x, 4 * w, 3, 'down3', 2);
  for (let i = 1; i <= shape.residualBlocks; i++) {
    const inner = block(x, 4 * w, 3, `res${i}a`);
    const second = norm(conv(inner, 4 * w, 3, `res${i}b_conv`), `res${i}b_norm`);
    x = tfl.layers.add({ name: `res${i}_add` }).apply([x, second]) as tfl.SymbolicTensor;
  }
  for (const [i, filters] of [2 * w, w].entries()) {
    const up = tfl.layers.upSampling2d({ size: [2, 2], name: `up${i + 1}_resize` }).apply(x) as tfl.SymbolicTensor;
    x = block(up, filters, 3, `up${i + 1}`);
  }
  const out = conv(x, 3, 5, 'out_conv', 1, true);
  const image = tfl.layers.activation({ activation: 'sigmoid', name: 'out_image' }).apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: image, name: 'style_transform' });
}

/** The side that a transform net accepts nearest to `side` (a multiple of 4, at least 8: the 9×9 conv reflects 4 rows). */
export function transformSide(side: number): number {
  return Math.max(8, Math.round(side / 4) * 4);
}

/** Stylizes display images (their sides multiples of 4) in one forward pass. */
export function stylize(net: tfl.LayersModel, images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => net.apply(images, { training: false }) as tf.Tensor4D);
}
