import { UserError } from '../errors';
import { deconvnetMethod } from './deconvnet';
import type { AnyMethodDescriptor } from './descriptor';
import { gradCamMethod } from './gradCam';
import { guidedBackpropMethod } from './guidedBackprop';
import { integratedGradientsMethod } from './integratedGradients';
import { occlusionMethod } from './occlusion';
import { smoothGradMethod } from './smoothGrad';
import { vanillaGradientMethod } from './vanillaGradient';

/**
 * The only list of attribution methods, in the order the CLI and the panels show them. The
 * engine's dispatch, the CLI's flags and --help and the protocol's method list all read it.
 */
const descriptors: AnyMethodDescriptor[] = [vanillaGradientMethod, guidedBackpropMethod, deconvnetMethod, occlusionMethod, gradCamMethod, smoothGradMethod, integratedGradientsMethod];

export function attributionMethods(): readonly AnyMethodDescriptor[] {
  return descriptors;
}

export function attributionMethodNames(): string[] {
  return descriptors.map((d) => d.name);
}

/** The descriptor of `name`; a UserError listing the known methods otherwise. */
export function attributionMethod(name: string): AnyMethodDescriptor {
  const d = descriptors.find((m) => m.name === name);
  if (!d) throw new UserError(`unknown saliency method '${name}'; methods: ${attributionMethodNames().join(', ')}`);
  return d;
}

/**
 * Adds a method at run time (tests, and later plug-ins); returns a function that removes it.
 * Everything generated from the registry reads it when used, so the new method shows up at once.
 */
export function registerAttributionMethod(d: AnyMethodDescriptor): () => void {
  if (descriptors.some((m) => m.name === d.name)) throw new Error(`a method named '${d.name}' is already registered`);
  descriptors.push(d);
  return () => {
    const i = descriptors.indexOf(d);
    if (i >= 0) descriptors.splice(i, 1);
  };
}
