import { UserError } from '../errors';
import type { AnyMethodDescriptor } from './descriptor';

/**
 * The store of attribution methods, in the order the CLI and the panels show them. It imports no
 * method, so that methods that wrap others (a noise average) can look them up here without an import
 * circle; `catalog.ts` fills it with the built-in methods, and everything else imports from there.
 */
const descriptors: AnyMethodDescriptor[] = [];

export function attributionMethods(): readonly AnyMethodDescriptor[] {
  return descriptors;
}

export function attributionMethodNames(): string[] {
  return descriptors.map((d) => d.name);
}

/** The names of the methods that declare a backward rule (the ones a gradient average can wrap). */
export function gradientMethodNames(): string[] {
  return descriptors.filter((d) => d.gradientRule).map((d) => d.name);
}

/** The descriptor of `name`; a UserError listing the known methods otherwise. */
export function attributionMethod(name: string): AnyMethodDescriptor {
  const d = descriptors.find((m) => m.name === name);
  if (!d) throw new UserError(`unknown saliency method '${name}'; methods: ${attributionMethodNames().join(', ')}`);
  return d;
}

/**
 * Adds a method (the built-ins, tests, later plug-ins); returns a function that removes it.
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
