/// <reference lib="dom" />
// The row of option controls under each checked method, built from the control descriptions of
// optionValues.ts. Labels, hints and choices are set as text and attributes only (no markup).
import type { LayerInfo, SaliencyOptions } from '../../shared/engineProtocol';
import type { MethodInfo } from '../../shared/methodSchema';
import { dropdown, field, h, textField } from '../ui';
import { optionControls, parseOptionValue, shownValue, type MethodOptionValues, type OptionControl, type OptionValue } from './optionValues';

export interface OptionRowEvents {
  /** A field now holds a valid value (undefined: the method's own default). */
  onValue(key: string, value: OptionValue | undefined): void;
  /** A field's validity changed: `error` is shown on it and the value is not sent. */
  onValidity(key: string, error: string | undefined): void;
}

function markValidity(el: HTMLElement, error: string | undefined, title: string): void {
  el.classList.toggle('invalid', error !== undefined);
  if (error === undefined) el.removeAttribute('aria-invalid');
  else el.setAttribute('aria-invalid', 'true');
  el.title = error ?? title;
}

function control(c: OptionControl, method: MethodInfo, text: string, events: OptionRowEvents): HTMLElement {
  const spec = method.options[c.key]!;
  const id = `opt-${method.name}-${c.key}`;
  const read = (el: HTMLElement, value: string) => {
    const r = parseOptionValue(spec, value);
    const error = 'error' in r ? r.error : undefined;
    markValidity(el, error, c.title);
    events.onValidity(c.key, error);
    if ('value' in r) events.onValue(c.key, r.value);
  };
  if (c.kind === 'number') {
    // A native number input (the toolkit has none): min/max/step for the spinner, checked by us too.
    const input = h('input', { id, class: 'option-input', title: c.title, attrs: { type: 'number', min: c.min, max: c.max, step: c.step, 'data-option': c.key } });
    input.value = text;
    input.addEventListener('input', () => read(input, input.value));
    return input;
  }
  if (c.kind === 'dropdown') {
    const selected = c.choices.some((x) => x.value === text) ? text : (c.choices[0]?.value ?? '');
    const d = dropdown<string>(c.choices, selected, (v) => read(d.element, v), { id, class: 'option-dropdown', title: c.title });
    d.element.setAttribute('data-option', c.key);
    return d.element;
  }
  const t = textField(text, (v) => read(t, v), { id, class: 'option-text', title: c.title, size: 10 });
  t.setAttribute('data-option', c.key);
  return t;
}

/** The controls of one method's options, or undefined for a method without options. */
export function optionRow(method: MethodInfo, layers: readonly LayerInfo[], chosen: SaliencyOptions | undefined, defaults: SaliencyOptions | undefined, events: OptionRowEvents): HTMLElement | undefined {
  const controls = optionControls(method, layers);
  if (controls.length === 0) return undefined;
  // The row says what is wrong in words too (the field's outline and tooltip alone are easy to miss).
  const errors = new Map<string, string>();
  const errorText = h('span', { class: 'inline-error option-error', attrs: { 'aria-live': 'polite' } });
  const rowEvents: OptionRowEvents = {
    onValue: events.onValue,
    onValidity(key, error) {
      if (error === undefined) errors.delete(key);
      else errors.set(key, error);
      errorText.textContent = [...errors.values()].join('; ');
      events.onValidity(key, error);
    },
  };
  return h(
    'div',
    { class: 'control-row option-row', attrs: { 'data-method': method.name, role: 'group', 'aria-label': `${method.label} options` } },
    h('span', { class: 'option-method', text: method.label, title: method.hint }),
    ...controls.map((c) => field(c.label, control(c, method, shownValue(c.key, chosen, defaults), rowEvents))),
    errorText,
  );
}

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
