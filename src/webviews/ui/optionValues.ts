// A method's option controls as data (pure: unit-tested without a browser), for any panel whose
// methods come with option schemas (src/shared/methodSchema.ts): which control, its label, range
// and tooltip, how a field's text or a list of picked layers reads as a value. Nothing about a
// method is restated here.
import type { LayerInfo } from '../../shared/engineProtocol';
import type { MethodInfo, OptionSpec } from '../../shared/methodSchema';
import type { OptionValues } from '../../shared/webviewProtocol';
import { weightsKeyOf } from './fileOptions';

export type OptionValue = number | string | readonly string[];

/** One method's values as a panel keeps them (an option may be absent, or undefined). */
export type LooseOptionValues = Readonly<Record<string, OptionValue | undefined>>;

interface ControlBase {
  key: string;
  label: string;
  /** The schema's hint, with the range where there is one. */
  title: string;
}

export type OptionControl =
  | (ControlBase & { kind: 'number'; integer: boolean; min?: number; max?: number; step: number | 'any'; optional: boolean })
  | (ControlBase & { kind: 'dropdown'; choices: { value: string; label: string }[] })
  | (ControlBase & { kind: 'layers'; choices: { value: string; label: string }[] })
  | (ControlBase & { kind: 'text' })
  /** An image chosen on the host ('file'), or a list of them ('files') with a blend weight each when the method has a weights option (`weightsKey`). */
  | (ControlBase & { kind: 'file' })
  | (ControlBase & { kind: 'files'; weightsKey?: string });

/** The value a 'layer' dropdown shows for "the method's own default" (nothing is sent). */
export const defaultLayerChoice = '';

function rangeText(spec: OptionSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` (${spec.min}–${spec.max})`;
  if (spec.min !== undefined) return ` (≥ ${spec.min})`;
  if (spec.max !== undefined) return ` (≤ ${spec.max})`;
  return '';
}

/**
 * Layer types a list of layers leaves out: they rescale or pass on their input (InceptionV3 has a
 * BatchNormalization after each of its 94 convs), so picking one is picking its neighbour again.
 */
const passThroughLayer = /Normalization|Dropout|^InputLayer$/;

/**
 * What a list of layers offers: layers with feature maps (height × width × channels; graph models,
 * whose shapes are unknown, keep all), without pass-through layers. Lists of layers are for
 * features over the image (inversion, DeepDream): a flat output (Dense, pooled) has none.
 */
function isFeatureMapLayer(l: LayerInfo): boolean {
  return !passThroughLayer.test(l.type) && (l.outputShape.length === 0 || l.outputShape.length === 3);
}

/** What leaving an option without a default empty means, in its tooltip. */
// (Not for 'layers': a method either picks its own (its hint says which) or needs some, and the cost line then says so.)
const emptyMeaning: Partial<Record<OptionSpec['type'], string>> = { int: ' (may be left empty)', number: ' (may be left empty)' };

/** An option without a default may stay empty: the method then does without it (no class target) or picks its own (layers). */
function isOptional(spec: OptionSpec): boolean {
  return spec.default === undefined;
}

/**
 * One control per option of `method`, in the schema's order. A 'layer' dropdown offers conv layers
 * first; a 'layers' list keeps the model's order (early to late layers is what one picks among).
 */
export function optionControls(method: Pick<MethodInfo, 'options'>, layers: readonly LayerInfo[]): OptionControl[] {
  // A files list's weights are its sliders, not a field of their own.
  const weightKeys = new Set(Object.keys(method.options).map((k) => weightsKeyOf(method, k)));
  const entries = Object.entries(method.options).filter(([key]) => !weightKeys.has(key));
  return entries.map(([key, spec]): OptionControl => {
    const optional = isOptional(spec);
    const base = { key, label: spec.label, title: `${spec.hint}${rangeText(spec)}${optional ? emptyMeaning[spec.type] ?? '' : ''}` };
    switch (spec.type) {
      case 'int':
      case 'number':
        return { ...base, kind: 'number', integer: spec.type === 'int', min: spec.min, max: spec.max, step: spec.type === 'int' ? 1 : 'any', optional };
      case 'choice':
        return { ...base, kind: 'dropdown', choices: (spec.choices ?? []).map((c) => ({ value: c, label: c })) };
      case 'layer': {
        const ordered = [...layers.filter((l) => l.isConv), ...layers.filter((l) => !l.isConv)];
        const own = optional ? [{ value: defaultLayerChoice, label: 'default' }] : [];
        return { ...base, kind: 'dropdown', choices: [...own, ...ordered.map((l) => ({ value: l.name, label: l.name }))] };
      }
      case 'layers':
        return { ...base, kind: 'layers', choices: layers.filter(isFeatureMapLayer).map((l) => ({ value: l.name, label: `${l.name} · ${l.type}` })) };
      case 'string':
        return { ...base, kind: 'text' };
      case 'file':
        return { ...base, kind: 'file' };
      case 'files': {
        const weightsKey = weightsKeyOf(method, key);
        return { ...base, kind: 'files', ...(weightsKey ? { weightsKey } : {}) };
      }
    }
  });
}

/** What a control starts from: the user's choice, else the panel's default for it, else nothing. */
export function shownValue(key: string, chosen: LooseOptionValues | undefined, defaults: LooseOptionValues | undefined): OptionValue | undefined {
  return chosen?.[key] ?? defaults?.[key];
}

/** A scalar control's text (a list shows comma-separated, which a text field reads back). */
export function shownText(value: OptionValue | undefined): string {
  if (value === undefined) return '';
  return typeof value === 'object' ? value.join(', ') : String(value);
}

/** The layers a 'layers' control starts with ticked. */
export function shownLayers(value: OptionValue | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'object' ? [...value] : [String(value)];
}

/**
 * Reads a control's input against its schema: the value (undefined: not sent, the method's default
 * applies), or why it does not fit (shown on the control). 'layers' takes the picked names, or a
 * comma-separated text.
 */
export function parseOptionValue(spec: OptionSpec, input: string | readonly string[]): { value: OptionValue | undefined } | { error: string } {
  if (spec.type === 'layers' || spec.type === 'files') {
    const names = (typeof input === 'string' ? input.split(',') : input).map((n) => n.trim()).filter((n) => n.length > 0);
    if (names.length === 0) return isOptional(spec) ? { value: undefined } : { error: `${spec.label}: ${spec.type === 'files' ? 'give at least one file' : 'pick at least one layer'}` };
    return { value: spec.type === 'files' ? names : [...new Set(names)] };
  }
  const t = (typeof input === 'string' ? input : input.join(',')).trim();
  if (spec.type === 'int' || spec.type === 'number') {
    if (t === '') return isOptional(spec) ? { value: undefined } : { error: `${spec.label}: enter a number` };
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

/** `chosen` (the user's values per method) with one option of one method set (undefined: back to the default, so it is not sent). */
export function withOption<V extends LooseOptionValues>(chosen: Readonly<Record<string, V>>, method: string, key: string, value: OptionValue | undefined): Record<string, V> {
  const { [key]: _old, ...rest } = chosen[method] ?? {};
  // The panel's own value type (SaliencyOptions, OptionValues) holds any OptionValue under any key.
  const next = (value === undefined ? rest : { ...rest, [key]: value }) as V;
  const { [method]: _m, ...others } = chosen;
  return Object.keys(next).length ? { ...others, [method]: next } : others;
}

/**
 * What a run of `method` sends: the user's valid choices for options its schema has (a value kept
 * from an older schema, or no longer valid, is dropped and the default applies).
 */
export function methodRunOptions(method: MethodInfo | undefined, chosen: LooseOptionValues | undefined): OptionValues {
  const picked: OptionValues = {};
  for (const [key, value] of Object.entries(chosen ?? {})) {
    const spec = method?.options[key];
    if (!spec || value === undefined) continue;
    const r = parseOptionValue(spec, typeof value === 'object' ? value : String(value));
    if ('value' in r && r.value !== undefined) picked[key] = r.value;
  }
  return picked;
}

