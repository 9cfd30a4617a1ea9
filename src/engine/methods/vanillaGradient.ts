import { gradientSaliency } from './gradientSaliency';

/** Vanilla gradient: ∂(target score)/∂input, map = max over channels of |gradient|. */
export const vanillaGradient = gradientSaliency('vanilla', 'standard');
