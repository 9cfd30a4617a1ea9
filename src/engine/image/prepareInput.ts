import * as tf from '../tf';
import { UserError } from '../errors';
import type { Preprocessing } from '../model/preprocessing';
import { toGrey, toRgb } from './channels';
import type { RawImage } from './rawImage';
import { resizeBilinearFloat } from './resize';

/** The model input size (channels-last, batch omitted). */
export interface InputShape {
  height: number;
  width: number;
  channels: 1 | 3;
}

/**
 * Turns a decoded image into a [1, H, W, C] float32 model input:
 * grey (BT.601, as PIL) for 1-channel models → bilinear resize on 0..255 floats only if the size
 * differs → BGR swap if asked → pixel/255 mapped onto inputRange → (x - mean) / std per channel.
 * The arithmetic is done in float64 in plain JS and rounded to float32 once, so with the default
 * preprocessing and no resize the input is exactly float32(pixel / 255). Creates one tensor only.
 */
export function imageToInput(img: RawImage, shape: InputShape, prep: Preprocessing): tf.Tensor4D {
  const { height, width, channels } = shape;
  if (![height, width].every((n) => Number.isInteger(n) && n >= 1)) throw new Error(`imageToInput: invalid input size ${width}x${height}`);
  const mean = perChannel(prep.mean, channels, 'mean', 0);
  const std = perChannel(prep.std, channels, 'std', 1);
  const [lo, hi] = prep.inputRange;

  const src = channels === 1 ? toGrey(img) : toRgb(img);
  const pixels: ArrayLike<number> =
    src.width === width && src.height === height ? src.data : resizeBilinearFloat(src.data, src.width, src.height, channels, width, height);

  // Channel c of the output reads channel order[c] of the (RGB) source.
  const order = channels === 3 && prep.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const out = new Float32Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < channels; c++) {
      const v = pixels[p * channels + order[c]!]!;
      const x = (v / 255) * (hi - lo) + lo;
      out[p * channels + c] = (x - mean[c]!) / std[c]!;
    }
  }
  return tf.tensor4d(out, [1, height, width, channels], 'float32');
}

/** mean/std may give one value for all channels or one per channel (in the model's channel order). */
function perChannel(values: number[] | undefined, channels: number, name: string, fallback: number): number[] {
  if (values === undefined) return new Array<number>(channels).fill(fallback);
  if (values.length === 1) return new Array<number>(channels).fill(values[0]!);
  if (values.length !== channels) {
    throw new UserError(`preprocessing "${name}" has ${values.length} values but the model input has ${channels} channel${channels === 1 ? '' : 's'}`);
  }
  return values;
}
