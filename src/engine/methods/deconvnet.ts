import { reluRules } from '../model/backwardRules';
import { gradientDescriptor, gradientSaliency } from './gradientSaliency';

/** Deconvnet: every ReLU passes only the positive part of the incoming gradient, whatever its input. */
export const deconvnet = gradientSaliency('deconvnet', reluRules.deconvnet);

export const deconvnetMethod = gradientDescriptor('deconvnet', 'Deconvnet', 'Gradient passed only where the incoming gradient is positive', deconvnet);
