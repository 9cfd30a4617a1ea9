import { gradCam } from './gradCam';
import { deconvnet } from './deconvnet';
import { guidedBackprop } from './guidedBackprop';
import { integratedGradients } from './integratedGradients';
import { occlusion } from './occlusion';
import { smoothGrad } from './smoothGrad';
import { vanillaGradient } from './vanillaGradient';
import type { AttributionResult, Method } from './types';

/** Every saliency method by its CLI / protocol name. Options are the union of all methods' options. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const saliencyMethods: Record<string, Method<any, AttributionResult>> = {
  vanilla: vanillaGradient,
  guided: guidedBackprop,
  deconvnet,
  occlusion,
  gradcam: gradCam,
  smoothgrad: smoothGrad,
  'integrated-gradients': integratedGradients,
};

export type SaliencyMethodName = keyof typeof saliencyMethods;
export const saliencyMethodNames = Object.keys(saliencyMethods);
