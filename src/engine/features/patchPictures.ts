import * as tf from '../tf';
import { evaluateObjective, neuron } from '../objectives';
import { toGrey, toRgb } from '../image/channels';
import { decodeImageFile } from '../image/decodeImage';
import { imageToInput } from '../image/prepareInput';
import type { RawImage } from '../image/rawImage';
import { resizeBilinear } from '../image/resize';
import { guidedRule } from '../methods/guidedBackprop';
import { checkpoint } from '../methods/types';
import type { LoadedModel } from '../model/loadedModel';
import type { Box, Patch } from './patches';

export interface PatchPictures {
  /** Each patch as the model saw it: the image at the model's input size, cropped to the box. */
  crops: RawImage[];
  /** Guided backprop of the patch's unit with respect to the input, cropped to the same box. */
  guided: RawImage[];
}

/**
 * The pictures of the "guided backprop on max patches" figure (Springenberg et al. 2015): for each
 * patch, the crop and what guided backprop says the unit responds to inside it. The gradient is
 * shown as an image the way Springenberg's and CS231n's figures do: standardized, ×0.2, +0.5,
 * clipped, so its colours are those of the input pattern that excites the unit.
 */
export async function patchPictures(model: LoadedModel, layer: string, channel: number, patches: readonly Patch[], signal: AbortSignal): Promise<PatchPictures> {
  const { height, width, channels } = model.inputShape;
  const crops: RawImage[] = [];
  const guided: RawImage[] = [];
  for (const p of patches) {
    await checkpoint(signal);
    const decoded = decodeImageFile(p.path);
    const seen = resizeBilinear(channels === 1 ? toGrey(decoded) : toRgb(decoded), width, height);
    crops.push(crop(seen, p.box));
    const input = imageToInput(decoded, model.inputShape, model.config.preprocessing);
    try {
      const unit = neuron(layer, channel, { y: p.row, x: p.col });
      const gradient = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(evaluateObjective(model, x as tf.Tensor4D, unit, { relu: guidedRule })))(input));
      try {
        guided.push(gradientPicture(gradient.dataSync() as Float32Array, width, height, channels, p.box));
      } finally {
        gradient.dispose();
      }
    } finally {
      input.dispose();
    }
  }
  return { crops, guided };
}

function crop(img: RawImage, box: Box): RawImage {
  const { channels } = img;
  const data = new Uint8Array(Math.max(1, box.width) * Math.max(1, box.height) * channels);
  for (let y = 0; y < box.height; y++) {
    const from = ((box.y + y) * img.width + box.x) * channels;
    data.set(img.data.subarray(from, from + box.width * channels), y * box.width * channels);
  }
  return { width: Math.max(1, box.width), height: Math.max(1, box.height), channels, data };
}

/** The gradient inside the box as an 8-bit picture: (g − mean)/std · 0.2 + 0.5, clipped to [0, 1]. */
export function gradientPicture(g: Float32Array, width: number, _height: number, channels: 1 | 3, box: Box): RawImage {
  const values: number[] = [];
  for (let y = box.y; y < box.y + box.height; y++) for (let x = box.x; x < box.x + box.width; x++) for (let c = 0; c < channels; c++) values.push(g[(y * width + x) * channels + c]!);
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length)) || 1;
  const data = new Uint8Array(Math.max(1, values.length));
  values.forEach((v, i) => (data[i] = Math.round(255 * Math.min(1, Math.max(0, ((v - mean) / std) * 0.2 + 0.5)))));
  return { width: Math.max(1, box.width), height: Math.max(1, box.height), channels, data };
}
