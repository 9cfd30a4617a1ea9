// Names and order of the saliency methods in the panel (pure: unit-tested without a browser).
import type { SaliencyMethodName } from '../../shared/engineProtocol';

export const methodLabels: Record<SaliencyMethodName, string> = {
  vanilla: 'Vanilla gradient',
  guided: 'Guided backprop',
  deconvnet: 'Deconvnet',
  smoothgrad: 'SmoothGrad',
  'integrated-gradients': 'Integrated gradients',
  gradcam: 'Grad-CAM',
  occlusion: 'Occlusion',
};

export const methodHints: Record<SaliencyMethodName, string> = {
  vanilla: 'Gradient of the target score with respect to the input pixels',
  guided: 'Gradient passed only where activations and gradients are positive',
  deconvnet: 'Gradient passed only where the incoming gradient is positive',
  smoothgrad: 'Vanilla gradient averaged over noisy copies of the image',
  'integrated-gradients': 'Gradients integrated along the path from a black image (signed)',
  gradcam: 'Class activation map at the last conv layer, weighted by mean gradients',
  occlusion: 'Drop of the target score when a sliding window is blanked out (signed)',
};

/** The chosen methods in the engine's order, without duplicates or unknown names. */
export function orderedMethods(chosen: Iterable<string>, all: readonly SaliencyMethodName[]): SaliencyMethodName[] {
  const set = new Set(chosen);
  return all.filter((m) => set.has(m));
}

/** The Run button's label for a selection. */
export function runLabel(count: number): string {
  return count <= 1 ? 'Run' : `Compare ${count} methods`;
}
