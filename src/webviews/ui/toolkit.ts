/// <reference lib="dom" />
// The Webview UI Toolkit, registered once for every panel, behind small typed factories: panels
// never touch the toolkit's classes or custom-element names themselves.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeTag,
  vsCodeTextField,
  type Button,
  type Checkbox,
  type Dropdown,
  type TextField,
} from '@vscode/webview-ui-toolkit';
import { h } from './dom';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing(), vsCodeTag(), vsCodeTextField());

export interface Choice<T extends string> {
  value: T;
  label: string;
  title?: string;
}

interface ControlOptions {
  id?: string;
  class?: string;
  title?: string;
  disabled?: boolean;
}

export function button(label: string, onClick: () => void, options: ControlOptions & { appearance?: 'primary' | 'secondary' | 'icon' } = {}): Button {
  const b = h('vscode-button', { id: options.id, class: options.class, title: options.title, text: label, attrs: { appearance: options.appearance ?? 'primary' } }) as Button;
  b.disabled = options.disabled ?? false;
  b.addEventListener('click', () => {
    if (!b.disabled) onClick();
  });
  return b;
}

export interface DropdownHandle<T extends string> {
  readonly element: Dropdown;
  readonly value: T;
  /** Replaces the choices (the element is rebuilt: the toolkit reads 'selected' when options arrive). */
  setChoices(choices: Choice<T>[], value: T): void;
  set(value: T): void;
  setDisabled(disabled: boolean): void;
}

export function dropdown<T extends string>(choices: Choice<T>[], value: T, onChange: (value: T) => void, options: ControlOptions = {}): DropdownHandle<T> {
  let current = value;
  let disabled = options.disabled ?? false;
  const build = (list: Choice<T>[], selected: T): Dropdown => {
    const d = h(
      'vscode-dropdown',
      { id: options.id, class: options.class, title: options.title, attrs: { position: 'below' } },
      ...list.map((c) => h('vscode-option', { text: c.label, title: c.title, attrs: { value: c.value, selected: c.value === selected } })),
    ) as Dropdown;
    d.disabled = disabled;
    // FAST's select picks the first option whose value equals its own initial '' before one marked
    // 'selected': with a '' choice first (a layer picker's "default"), the marked one would not
    // show. Set the value once the element is connected and its options are slotted.
    if (list.some((c) => c.value === '') && selected !== '') requestAnimationFrame(() => (d.value = selected));
    d.addEventListener('change', () => {
      const v = d.value as T;
      if (v === current) return;
      current = v;
      onChange(v);
    });
    return d;
  };
  let element = build(choices, value);
  let list = choices;
  return {
    get element() {
      return element;
    },
    get value() {
      return current;
    },
    setChoices(next, selected) {
      list = next;
      current = selected;
      const fresh = build(next, selected);
      element.replaceWith(fresh);
      element = fresh;
    },
    set(v) {
      if (v === current) return;
      current = v;
      if (list.some((c) => c.value === v)) element.value = v;
    },
    setDisabled(d) {
      disabled = d;
      element.disabled = d;
    },
  };
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, options: ControlOptions & { value?: string } = {}): Checkbox {
  const c = h('vscode-checkbox', { id: options.id, class: options.class, title: options.title, text: label, attrs: { value: options.value } }) as Checkbox;
  c.checked = checked;
  c.disabled = options.disabled ?? false;
  c.addEventListener('change', () => onChange(c.checked));
  return c;
}

export function textField(value: string, onChange: (value: string) => void, options: ControlOptions & { placeholder?: string; size?: number } = {}): TextField {
  const t = h('vscode-text-field', { id: options.id, class: options.class, title: options.title, attrs: { placeholder: options.placeholder, size: options.size } }) as TextField;
  t.value = value;
  t.addEventListener('change', () => onChange(t.value));
  return t;
}

/** An indeterminate ring (the determinate one sets a style attribute, which the CSP blocks). */
export function progressRing(options: ControlOptions = {}): HTMLElement {
  return h('vscode-progress-ring', { id: options.id, class: options.class });
}

export function divider(): HTMLElement {
  return h('vscode-divider', { attrs: { role: 'separator' } });
}

export function tag(text: string, options: ControlOptions = {}): HTMLElement {
  return h('vscode-tag', { id: options.id, class: options.class, title: options.title, text });
}

/** A native range input, themed by panel.css (the toolkit has no slider). */
export function slider(value: number, onInput: (value: number) => void, options: ControlOptions & { min: number; max: number; step: number }): HTMLInputElement {
  const s = h('input', { id: options.id, class: `slider ${options.class ?? ''}`.trim(), title: options.title, attrs: { type: 'range', min: options.min, max: options.max, step: options.step } });
  s.value = String(value);
  s.addEventListener('input', () => onInput(Number(s.value)));
  return s;
}

/** A control with its label above it, as VS Code's settings editor lays them out. */
export function field(label: string, control: HTMLElement, options: { class?: string } = {}): HTMLElement {
  return h('div', { class: `field ${options.class ?? ''}`.trim() }, h('span', { class: 'field-label', text: label }), control);
}
