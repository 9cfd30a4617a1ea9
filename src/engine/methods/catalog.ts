import { deconvnetMethod } from './deconvnet';
import { gradCamMethod } from './gradCam';
import { guidedBackpropMethod } from './guidedBackprop';
import { integratedGradientsMethod } from './integratedGradients';
import { occlusionMethod } from './occlusion';
import { registerAttributionMethod } from './registry';
import { smoothGradMethod } from './smoothGrad';
import { vanillaGradientMethod } from './vanillaGradient';

/**
 * The built-in attribution methods, registered once in the order the CLI and the panels show them.
 * A new method is its file, one line here, and its test: the dispatch, the CLI's flags and --help,
 * the protocol's method list and the panels' controls all read the registry.
 */
for (const d of [vanillaGradientMethod, guidedBackpropMethod, deconvnetMethod, occlusionMethod, gradCamMethod, smoothGradMethod, integratedGradientsMethod]) {
  registerAttributionMethod(d);
}

export { attributionMethod, attributionMethodNames, attributionMethods, registerAttributionMethod } from './registry';
