import * as tf from '../tf';
import { camMethod } from './camBase';

/** Grad-CAM (Selvaraju et al.): channel weights are the spatial mean of the gradient. */
export const gradCam = camMethod('gradcam', (_activations, gradients) => tf.mean(gradients, [1, 2]) as tf.Tensor2D);
