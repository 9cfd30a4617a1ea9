import { autodiffRule } from '../model/backwardRules';
import { gradientDescriptor, gradientSaliency } from './gradientSaliency';

/** Vanilla gradient (Simonyan et al.): ∂(target score)/∂input, map = max over channels of |gradient|. */
export const vanillaGradient = gradientSaliency('vanilla', autodiffRule);

export const vanillaGradientMethod = gradientDescriptor('vanilla', 'Vanilla gradient', 'Gradient of the target score with respect to the input pixels', autodiffRule);
