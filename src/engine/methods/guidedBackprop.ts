import { reluRules } from '../model/backwardRules';
import { gradientDescriptor, gradientSaliency } from './gradientSaliency';

/** Guided backprop: every ReLU passes the gradient only where its input and the gradient are positive. */
export const guidedBackprop = gradientSaliency('guided', reluRules.guided);

export const guidedBackpropMethod = gradientDescriptor('guided', 'Guided backprop', 'Gradient passed only where activations and gradients are positive', guidedBackprop);
