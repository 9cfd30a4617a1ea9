/// <reference lib="dom" />
// The option rows under the checked methods: one row per method (ui/optionForm.ts builds it from
// the method's option schema), and which fields hold text that does not fit.
import type { LayerInfo } from '../../shared/engineProtocol';
import type { MethodInfo } from '../../shared/methodSchema';
import { h } from '../ui';
import { optionRow } from '../ui/optionForm';
import type { MethodOptionValues, OptionValue } from './optionValues';

/**
 * The rows of every checked method, and which fields hold invalid text (Run waits until they are
 * fixed). `onValue` gets each valid change; `onValidity` each change of validity.
 */
export function optionPanel(onValue: (method: string, key: string, value: OptionValue | undefined) => void, onValidity: () => void) {
  const element = h('div', { id: 'method-options', class: 'option-rows' });
  /** method → option → error, for fields on show. */
  let invalid = new Map<string, Map<string, string>>();
  return {
    element,
    /** Rows for the `checked` methods among `methods` (the engine's), in the checked order. */
    render(checked: readonly string[], methods: readonly MethodInfo[], layers: readonly LayerInfo[], chosen: MethodOptionValues, defaults: MethodOptionValues): void {
      invalid = new Map();
      const infos = checked.map((name) => methods.find((m) => m.name === name)).filter((m) => m !== undefined);
      const rows = infos.map((m) =>
        optionRow(m, layers, chosen[m.name], defaults[m.name], {
          onValue: (key, value) => onValue(m.name, key, value),
          onValidity: (key, error) => {
            const errors = invalid.get(m.name) ?? new Map<string, string>();
            if (error === undefined) errors.delete(key);
            else errors.set(key, error);
            invalid.set(m.name, errors);
            onValidity();
          },
        }),
      );
      element.replaceChildren(...rows.filter((r): r is HTMLElement => r !== undefined));
    },
    /** The first problem among the fields on show, if any. */
    firstError(): string | undefined {
      for (const errors of invalid.values()) for (const e of errors.values()) return e;
      return undefined;
    },
  };
}
