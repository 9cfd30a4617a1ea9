import * as tf from '../tf';
import { checkpoint, toArrayND, type ArrayND, type Method } from './types';

export interface Prediction {
  logits: ArrayND;
  probabilities: ArrayND;
  /** Classes by decreasing probability. */
  top: { index: number; label?: string; probability: number; logit: number }[];
}

/** Class scores before softmax (a final softmax is stripped by the model), probabilities and the top-k. */
export const predict: Method<{ topK?: number }, Prediction> = async (model, input, options, _progress, signal) => {
  await checkpoint(signal);
  const [logits, probabilities] = tf.tidy(() => {
    const l = tf.squeeze(model.forward(input).logits, [0]);
    return [l, model.config.outputIsProbability ? tf.clone(l) : tf.softmax(l)];
  });
  try {
    const logitsND = await toArrayND(logits);
    const probsND = await toArrayND(probabilities);
    const labels = model.config.hideClasses ? undefined : model.config.labels;
    const top = Array.from(probsND.data, (probability, index) => ({ index, probability, logit: logitsND.data[index]!, ...(labels?.[index] !== undefined ? { label: labels[index] } : {}) }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, options.topK ?? 5);
    return { logits: logitsND, probabilities: probsND, top };
  } finally {
    tf.dispose([logits, probabilities]);
  }
};
