import { UserError } from '../errors';

/**
 * Upper bounds on the sample counts users choose. Gauss–Legendre integrated gradients is complete
 * to well under 0.1 % at a few hundred steps, and SmoothGrad's mean stops changing visibly past a
 * few hundred samples (Smilkov et al. use 50), so 4096 is far past any useful value (80× the
 * defaults) while a mistyped 1e9 is refused instead of running for days. At the bound the
 * quadrature nodes take tens of milliseconds, and memory stays bounded by the batch budget.
 */
export const maxIntegrationSteps = 4096;
export const maxSmoothGradSamples = 4096;

/** Throws a UserError unless `value` (absent: the default) is an integer in [1, max]. */
export function checkCount(what: string, value: number | undefined, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 1 || value > max) throw new UserError(`${what} must be an integer in [1, ${max}]; got ${value}`);
}
