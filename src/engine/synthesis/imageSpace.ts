import * as tf from '../tf';
import { imageToInput } from '../image/prepareInput';
import type { RawImage } from '../image/rawImage';
import type { LoadedModel } from '../model/loadedModel';
import { defaultPreprocessing, type Preprocessing } from '../model/preprocessing';

/**
 * Synthesis works on display images: [N, H, W, C] in [0, 1], C the model's channels in RGB order
 * (grey for 1-channel models). This maps them onto what the model reads, differentiably, the way
 * image/prepareInput.ts maps a decoded photo: BGR swap if asked → inputRange → (x − mean) / std.
 */
export function toModelInput(image: tf.Tensor4D, prep: Preprocessing): tf.Tensor4D {
  return tf.tidy(() => {
    const channels = image.shape[3];
    let x: tf.Tensor4D = channels === 3 && prep.channelOrder === 'bgr' ? tf.reverse(image, 3) : image;
    const [lo, hi] = prep.inputRange;
    if (lo !== 0 || hi !== 1) x = tf.add(tf.mul(x, hi - lo), lo);
    if (prep.mean) x = tf.sub(x, perChannel(prep.mean, channels));
    if (prep.std) x = tf.div(x, perChannel(prep.std, channels));
    return x;
  });
}

function perChannel(values: number[], channels: number): tf.Tensor1D {
  return tf.tensor1d(values.length === 1 ? new Array<number>(channels).fill(values[0]!) : values);
}

/** A display image [1, H, W, C] in [0, 1] as 8-bit pixels (rounded, clamped). */
export function displayPixels(image: tf.Tensor4D): { width: number; height: number; channels: 1 | 3; data: Uint8Array } {
  const [, height, width, channels] = image.shape;
  const scaled = tf.tidy(() => tf.round(tf.mul(tf.clipByValue(image, 0, 1), 255)));
  const data = Uint8Array.from(scaled.dataSync());
  scaled.dispose();
  return { width, height, channels: channels as 1 | 3, data };
}

/**
 * A decoded image as a display image, its longer side at most `maxSide` (exactly `maxSide` when
 * `exact`: a style image scaled relative to the content may grow); the photo's own size by default.
 */
export function displayOf(model: LoadedModel, raw: RawImage, maxSide = Infinity, exact = false): tf.Tensor4D {
  const f = exact ? maxSide / Math.max(raw.width, raw.height) : Math.min(1, maxSide / Math.max(raw.width, raw.height));
  return imageToInput(raw, { height: Math.round(raw.height * f), width: Math.round(raw.width * f), channels: model.inputShape.channels }, defaultPreprocessing);
}
