import type * as tf from '../tf';
import type { LoadedModel } from '../model/loadedModel';
import { decodeImageFile } from './decodeImage';
import { imageToInput } from './prepareInput';
import type { RawImage } from './rawImage';

/** An image file as the user sees it (for overlays) and as the model sees it (resized, scaled). */
export interface InputImage {
  file: string;
  image: RawImage;
  input: tf.Tensor4D;
}

export function loadInputImage(model: LoadedModel, file: string): InputImage {
  const image = decodeImageFile(file);
  return { file, image, input: imageToInput(image, model.inputShape, model.config.preprocessing) };
}
