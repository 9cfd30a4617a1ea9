// The per-method option controls of the saliency panel, as data (pure: unit-tested without a
// browser). Everything comes from the engine's option schemas (saliencyInit.methods): which control,
// its label, range and tooltip; nothing about a method is restated here.
import type { LayerInfo, SaliencyOptions } from '../../shared/engineProtocol';
import type { MethodInfo, OptionSpec } from '../../shared/methodSchema';

export type OptionValue = number | string;

/** The user's choices per method (valid values only): what a run and a plan request send. */
export type MethodOptionValues = Record<string, SaliencyOptions>;

interface ControlBase {
  key: string;
  label: string;
  /** The schema's hint, with the range where there is one. */
  title: string;
}

export type OptionControl =
  | (ControlBase & { kind: 'number'; integer: boolean; min?: number; max?: number; step: number | 'any' })
  | (ControlBase & { kind: 'dropdown'; choices: { value: string; label: string }[] })
  | (ControlBase & { kind: 'text' });

/** The value a 'layer' dropdown shows for "the method's own default" (nothing is sent). */
export const defaultLayerChoice = '';

function rangeText(spec: OptionSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` (${spec.min}–${spec.max})`;
  if (spec.min !== undefined) return ` (≥ ${spec.min})`;
  if (spec.max !== undefined) return ` (≤ ${spec.max})`;
  return '';
}

/** One control per option of `method`, in the schema's order; 'layer' offers conv layers first. */
export function optionControls(method: Pick<MethodInfo, 'options'>, layers: readonly LayerInfo[]): OptionControl[] {
  return Object.entries(method.options).map(([key, spec]): OptionControl => {
    const base = { key, label: spec.label, title: `${spec.hint}${rangeText(spec)}` };
    switch (spec.type) {
      case 'int':
      case 'number':
        return { ...base, kind: 'number', integer: spec.type === 'int', min: spec.min, max: spec.max, step: spec.type === 'int' ? 1 : 'any' };
      case 'choice':
        return { ...base, kind: 'dropdown', choices: (spec.choices ?? []).map((c) => ({ value: c, label: c })) };
      case 'layer': {
        const ordered = [...layers.filter((l) => l.isConv), ...layers.filter((l) => !l.isConv)];
        const own = spec.default === undefined ? [{ value: defaultLayerChoice, label: 'default' }] : [];
        return { ...base, kind: 'dropdown', choices: [...own, ...ordered.map((l) => ({ value: l.name, label: l.name }))] };
      }
      case 'string':
      // No attribution method has a list of layers yet; a panel that needs one builds its own picker.
      case 'layers':
        return { ...base, kind: 'text' };
    }
  });
}

/** The text a field shows: the user's choice, else the extension's effective default, else nothing. */
export function shownValue(key: string, chosen: SaliencyOptions | undefined, defaults: SaliencyOptions | undefined): string {
  const v = chosen?.[key] ?? defaults?.[key];
  return v === undefined ? '' : String(v);
}

/** Reads a field's text against its schema: the value, or why it does not fit (shown on the field). */
export function parseOptionValue(spec: OptionSpec, text: string): { value: OptionValue | undefined } | { error: string } {
  const t = text.trim();
  if (spec.type === 'int' || spec.type === 'number') {
    if (t === '') return { error: `${spec.label}: enter a number` };
    const n = Number(t);
    if (!Number.isFinite(n)) return { error: `${spec.label}: not a number` };
    if (spec.type === 'int' && !Number.isInteger(n)) return { error: `${spec.label}: must be a whole number` };
    if (spec.min !== undefined && n < spec.min) return { error: `${spec.label}: at least ${spec.min}` };
    if (spec.max !== undefined && n > spec.max) return { error: `${spec.label}: at most ${spec.max}` };
    return { value: n };
  }
  if (spec.type === 'layer' && t === defaultLayerChoice) return { value: undefined };
  if (spec.type === 'choice' && !(spec.choices ?? []).includes(t)) return { error: `${spec.label}: one of ${(spec.choices ?? []).join(', ')}` };
  if (t === '') return { error: `${spec.label}: must not be empty` };
  return { value: t };
}

/** `chosen` with one option of one method set (undefined: back to the default, so it is not sent). */
export function withOption(chosen: MethodOptionValues, method: string, key: string, value: OptionValue | undefined): MethodOptionValues {
  const { [key]: _old, ...rest } = chosen[method] ?? {};
  const next = value === undefined ? rest : { ...rest, [key]: value };
  const { [method]: _m, ...others } = chosen;
  return Object.keys(next).length ? { ...others, [method]: next } : others;
}

/**
 * What a run of `methods` sends: each method's valid choices for options its schema has (a value
 * kept from an older schema, or no longer valid, is dropped and the default applies).
 */
export function runOptions(methods: readonly string[], chosen: MethodOptionValues, infos: readonly MethodInfo[]): MethodOptionValues {
  const out: MethodOptionValues = {};
  for (const name of methods) {
    const info = infos.find((m) => m.name === name);
    const picked: SaliencyOptions = {};
    for (const [key, value] of Object.entries(chosen[name] ?? {})) {
      const spec = info?.options[key];
      if (!spec || value === undefined) continue;
      const r = parseOptionValue(spec, String(value));
      if ('value' in r && r.value !== undefined) picked[key] = r.value;
    }
    if (Object.keys(picked).length) out[name] = picked;
  }
  return out;
}
