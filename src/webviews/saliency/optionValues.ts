// The saliency panel's option values. What a control is and how its text reads against the schema
// is shared by every panel (ui/optionValues.ts); the saliency panel's own part is that it compares
// several methods at once, and that its fields show text.
import type { SaliencyOptions } from '../../shared/engineProtocol';
import type { MethodInfo } from '../../shared/methodSchema';
import { methodRunOptions, shownText, shownValue as shownOptionValue } from '../ui/optionValues';

export { defaultLayerChoice, optionControls, parseOptionValue, withOption, type OptionControl, type OptionValue } from '../ui/optionValues';

/** The user's choices per method (valid values only): what a run and a plan request send. */
export type MethodOptionValues = Record<string, SaliencyOptions>;

/** The text a field shows: the user's choice, else the extension's effective default, else nothing. */
export function shownValue(key: string, chosen: SaliencyOptions | undefined, defaults: SaliencyOptions | undefined): string {
  return shownText(shownOptionValue(key, chosen, defaults));
}

/**
 * What a run of `methods` sends: each method's valid choices for options its schema has (a value
 * kept from an older schema, or no longer valid, is dropped and the default applies).
 */
export function runOptions(methods: readonly string[], chosen: MethodOptionValues, infos: readonly MethodInfo[]): MethodOptionValues {
  const out: MethodOptionValues = {};
  for (const name of methods) {
    const picked = methodRunOptions(
      infos.find((m) => m.name === name),
      chosen[name],
    );
    if (Object.keys(picked).length) out[name] = picked;
  }
  return out;
}
