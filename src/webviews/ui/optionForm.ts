/// <reference lib="dom" />
// The row of one method's option controls, built from the control descriptions of optionValues.ts.
// Labels, hints, choices and layer names are set as text and attributes only (no markup).
import type { LayerInfo } from '../../shared/engineProtocol';
import type { MethodInfo } from '../../shared/methodSchema';
import { h } from './dom';
import { fileControl, filesControl, type FileControlEvents } from './fileControls';
import { dropdown, field, textField } from './toolkit';
import { optionControls, parseOptionValue, shownLayers, shownText, shownValue, type LooseOptionValues, type OptionControl, type OptionValue } from './optionValues';

export interface OptionRowEvents {
  /** A control now holds a valid value (undefined: the method's own default). */
  onValue(key: string, value: OptionValue | undefined): void;
  /** A control's validity changed: `error` is shown on it and the value is not sent. */
  onValidity(key: string, error: string | undefined): void;
  /** Image-file options: the host picks the images and names them (absent: such options show as text). */
  files?: Pick<FileControlEvents, 'pickFile' | 'fileInfo'>;
}

function markValidity(el: HTMLElement, error: string | undefined, title: string): void {
  el.classList.toggle('invalid', error !== undefined);
  if (error === undefined) el.removeAttribute('aria-invalid');
  else el.setAttribute('aria-invalid', 'true');
  el.title = error ?? title;
}

/** A native multi-select (the toolkit has none): one option per layer, the picked ones selected. */
function layersControl(c: Extract<OptionControl, { kind: 'layers' }>, id: string, picked: readonly string[], read: (el: HTMLElement, value: readonly string[]) => void): HTMLElement {
  const select = h('select', { id, class: 'option-layers', title: c.title, attrs: { multiple: true, size: Math.min(8, Math.max(3, c.choices.length)), 'data-option': c.key, 'aria-label': c.label } });
  // A picked layer the model no longer has stays visible (and selected) rather than vanishing silently.
  const known = new Set(c.choices.map((x) => x.value));
  const choices = [...picked.filter((p) => !known.has(p)).map((p) => ({ value: p, label: `${p} (not in this model)` })), ...c.choices];
  for (const choice of choices) {
    const option = h('option', { text: choice.label, attrs: { value: choice.value } });
    option.selected = picked.includes(choice.value);
    select.append(option);
  }
  // What is picked, in words: in a long list the ticked rows are mostly scrolled away.
  const caption = h('span', { class: 'hint option-layers-picked', attrs: { 'aria-live': 'polite' } });
  const describe = (names: readonly string[]) => (caption.textContent = names.length ? `${names.length} picked: ${names.join(', ')}` : 'none picked');
  describe(picked);
  select.addEventListener('change', () => {
    const names = [...select.selectedOptions].map((o) => o.value);
    describe(names);
    read(select, names);
  });
  // Shows the first picked layer without scrolling by hand (after layout).
  requestAnimationFrame(() => select.querySelector('option:checked')?.scrollIntoView({ block: 'nearest' }));
  return h('div', { class: 'option-layers-box' }, select, caption);
}

function control(c: OptionControl, method: MethodInfo, value: OptionValue | undefined, events: OptionRowEvents, shown: (key: string) => OptionValue | undefined): HTMLElement {
  const spec = method.options[c.key]!;
  const id = `opt-${method.name}-${c.key}`;
  const read = (el: HTMLElement, input: string | readonly string[]) => {
    const r = parseOptionValue(spec, input);
    const error = 'error' in r ? r.error : undefined;
    markValidity(el, error, c.title);
    events.onValidity(c.key, error);
    if ('value' in r) events.onValue(c.key, r.value);
  };
  const text = shownText(value);
  switch (c.kind) {
    case 'number': {
      // A native number input (the toolkit has none): min/max/step for the spinner, checked by us too.
      const input = h('input', { id, class: 'option-input', title: c.title, attrs: { type: 'number', min: c.min, max: c.max, step: c.step, 'data-option': c.key, placeholder: c.optional ? 'none' : undefined } });
      input.value = text;
      input.addEventListener('input', () => read(input, input.value));
      return input;
    }
    case 'dropdown': {
      const selected = c.choices.some((x) => x.value === text) ? text : (c.choices[0]?.value ?? '');
      const d = dropdown<string>(c.choices, selected, (v) => read(d.element, v), { id, class: 'option-dropdown', title: c.title });
      d.element.setAttribute('data-option', c.key);
      return d.element;
    }
    case 'layers':
      return layersControl(c, id, shownLayers(value), read);
    case 'file':
    case 'files': {
      if (!events.files) return control({ ...c, kind: 'text' }, method, value, events, shown);
      const fileEvents: FileControlEvents = {
        ...events.files,
        onValues(values) {
          for (const [key, v] of Object.entries(values)) {
            // The list itself may be required: an empty one is an error that Run waits on.
            if (key === c.key) {
              const r = parseOptionValue(spec, (v as readonly string[] | undefined) ?? []);
              events.onValidity(key, 'error' in r ? r.error : undefined);
            }
            events.onValue(key, v);
          }
        },
      };
      return c.kind === 'file' ? fileControl(c, id, value, fileEvents) : filesControl(c, id, value, c.weightsKey ? shown(c.weightsKey) : undefined, fileEvents);
    }
    case 'text': {
      const t = textField(text, (v) => read(t, v), { id, class: 'option-text', title: c.title, size: 10 });
      t.setAttribute('data-option', c.key);
      return t;
    }
  }
}

/**
 * The controls of one method's options, or undefined for a method without options. `chosen` are the
 * user's values, `defaults` what a control shows before the user changes it.
 */
export function optionRow(method: MethodInfo, layers: readonly LayerInfo[], chosen: LooseOptionValues | undefined, defaults: LooseOptionValues | undefined, events: OptionRowEvents, options: { showMethod?: boolean } = {}): HTMLElement | undefined {
  const controls = optionControls(method, layers);
  if (controls.length === 0) return undefined;
  // The row says what is wrong in words too (the field's outline and tooltip alone are easy to miss).
  const errors = new Map<string, string>();
  const errorText = h('span', { class: 'inline-error option-error', attrs: { 'aria-live': 'polite' } });
  const rowEvents: OptionRowEvents = {
    onValue: events.onValue,
    files: events.files,
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
    options.showMethod === false ? null : h('span', { class: 'option-method', text: method.label, title: method.hint }),
    ...controls.map((c) => field(c.label, control(c, method, shownValue(c.key, chosen, defaults), rowEvents, (key) => shownValue(key, chosen, defaults)), { class: c.kind === 'layers' || c.kind === 'files' ? 'layers-field' : undefined })),
    errorText,
  );
}
