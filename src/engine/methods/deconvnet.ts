import * as tf from '../tf';
import type { ReluRule } from '../model/loadedModel';
import { gradientDescriptor, gradientSaliency } from './gradientSaliency';

/** Deconvnet (Zeiler & Fergus): every ReLU passes only the positive part of the incoming gradient, whatever its input. */
export const deconvnetRule: ReluRule = { name: 'deconvnet', label: 'deconvnet', gradient: (_z, dy) => tf.relu(dy) };

export const deconvnet = gradientSaliency('deconvnet', deconvnetRule);

export const deconvnetMethod = gradientDescriptor('deconvnet', 'Deconvnet', 'Gradient passed only where the incoming gradient is positive', deconvnetRule);
