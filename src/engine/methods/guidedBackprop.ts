import { gradientSaliency } from './gradientSaliency';

/** Guided backprop: every ReLU passes the gradient only where its input and the gradient are positive. */
export const guidedBackprop = gradientSaliency('guided', 'guided');
