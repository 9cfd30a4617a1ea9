import * as tf from '../tf';
import { camMethod, type CamOptions } from './camBase';
import type { MethodDescriptor } from './descriptor';

/** Grad-CAM (Selvaraju et al.): channel weights are the spatial mean of the gradient. */
export const gradCam = camMethod('gradcam', (_activations, gradients) => tf.mean(gradients, [1, 2]) as tf.Tensor2D);

export const gradCamMethod: MethodDescriptor<CamOptions> = {
  name: 'gradcam',
  label: 'Grad-CAM',
  hint: 'Class activation map at the last conv layer, weighted by mean gradients',
  options: {
    // No default: the last conv-type layer of the model (defaultCamLayer).
    layer: { type: 'layer', cliFlag: 'cam-layer', label: 'Layer', hint: 'default: the last conv layer, or --layer' },
  },
  cost: () => ({ forwardPasses: 2, backwardPasses: 1, summary: '1 forward + backward pass' }),
  run: (ctx, options) => gradCam(ctx.model, ctx.input, options, ctx.progress, ctx.signal),
  result: 'attribution',
};
