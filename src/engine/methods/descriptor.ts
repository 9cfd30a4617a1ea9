import type * as tf from '../tf';
import { UserError } from '../errors';
import type { LoadedModel, ReluRule } from '../model/loadedModel';
import type { CostPlan, MethodInfo, OptionSchema, OptionSpec } from '../../shared/methodSchema';
import type { AttributionResult, ProgressFn, RunControl } from './types';

export type { CostPlan, OptionSchema, OptionSpec } from '../../shared/methodSchema';

/**
 * What a run gets besides its options: the model, the input, a progress sink and cancellation;
 * long methods also honour `stop` (return the partial result) and offer `preview`s.
 */
export interface MethodContext extends RunControl {
  model: LoadedModel;
  input: tf.Tensor4D;
  progress: ProgressFn;
  signal: AbortSignal;
}

/**
 * One explanation method (DESIGN.md §3). The registry's list of these generates the engine's
 * dispatch, the CLI's flags and --help, the panels' controls and the extension's defaults.
 * Options outside the schema (target, memoryBudgetBytes) are common to every method.
 */
export interface MethodDescriptor<O = Record<string, unknown>> extends MethodInfo {
  cost(options: O, model: LoadedModel): CostPlan;
  run(ctx: MethodContext, options: O): Promise<AttributionResult>;
  /**
   * Set by methods whose attribution is the input gradient of the target under a backward rule:
   * wrappers that average gradients (over noise, say) can then wrap the method by name.
   */
  gradientRule?: ReluRule;
}

// The registry holds descriptors of different option types side by side; options reach them
// only through validateOptions, which checks them against the descriptor's own schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethodDescriptor = MethodDescriptor<any>;

/** The public part, as sent over the protocol. */
export function methodInfo(d: MethodInfo): MethodInfo {
  return { name: d.name, label: d.label, hint: d.hint, options: d.options, result: d.result };
}

/** "occlusion window":  how error messages name an option (the label, lower case). */
export function optionTitle(d: MethodInfo, key: string): string {
  return `${d.label.toLowerCase()} ${key}`;
}

/** Why `value` does not fit `spec`, or undefined when it does (absent values always fit). */
export function optionProblem(spec: OptionSpec, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (spec.type === 'int' || spec.type === 'number') {
    const ok = typeof value === 'number' && Number.isFinite(value) && (spec.type === 'number' || Number.isInteger(value)) && (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
    if (ok) return undefined;
    const range = spec.min !== undefined || spec.max !== undefined ? ` in [${spec.min ?? '-∞'}, ${spec.max ?? '∞'}]` : '';
    return `must be ${spec.type === 'int' ? 'an integer' : 'a number'}${range}`;
  }
  if (spec.type === 'choice') return spec.choices?.includes(value as string) ? undefined : `must be one of ${(spec.choices ?? []).join(', ')}`;
  if (spec.type === 'files') return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '') ? undefined : 'must be a list of one or more files';
  if (spec.type === 'layers') return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '') ? undefined : 'must be a list of one or more layer names';
  return typeof value === 'string' && value !== '' ? undefined : 'must be a non-empty string';
}

/** Throws a UserError naming the first option of the schema that does not fit; returns the options. */
export function validateOptions<O>(d: MethodInfo, options: O | undefined): O {
  const given = (options ?? {}) as Record<string, unknown>;
  for (const [key, spec] of Object.entries(d.options)) {
    const problem = optionProblem(spec, given[key]);
    if (problem) throw new UserError(`${optionTitle(d, key)} ${problem}; got ${JSON.stringify(given[key]) ?? String(given[key])}`);
  }
  return given as O;
}

/**
 * `options` with the schema's defaults filled in for `keys`: the one place a method's defaults are
 * written is its option schema, which the CLI, the panels and the settings test read too.
 */
export function withDefaults<O extends object, K extends keyof O & string>(d: MethodInfo, options: O, keys: readonly K[]): O & { [P in K]-?: NonNullable<O[P]> } {
  const out = { ...options } as Record<string, unknown>;
  for (const key of keys) {
    if (out[key] !== undefined) continue;
    const fallback = d.options[key]?.default;
    if (fallback === undefined) throw new Error(`option '${key}' of ${d.name} has no default in its schema`);
    out[key] = fallback;
  }
  return out as O & { [P in K]-?: NonNullable<O[P]> };
}

/** The schema's defaults, for options that have one. */
export function optionDefaults(d: MethodInfo): Record<string, number | string | readonly string[]> {
  return Object.fromEntries(Object.entries(d.options).flatMap(([k, s]) => (s.default === undefined ? [] : [[k, s.default]])));
}

/**
 * Upper bound on the sample counts users choose (integration steps, noise samples).
 * a Gauss–Legendre path integral is complete to well under 0.1 % at a few hundred steps, and
 * a noise average stops changing visibly past a few hundred samples (Smilkov et al. use 50), so
 * 4096 is far past any useful value (80× the defaults) while a mistyped 1e9 is refused instead of
 * running for days. At the bound the quadrature nodes take tens of milliseconds, and memory stays
 * bounded by the batch budget.
 */
export const maxSampleCount = 4096;
