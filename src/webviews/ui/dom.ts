/// <reference lib="dom" />
// Element building without HTML strings (nothing to escape) and without style attributes (the
// CSP has no 'unsafe-inline'): classes from media/panel.css, dynamic sizes through the CSSOM.

export type Child = Node | string | number | null | undefined | false;

export interface Props {
  id?: string;
  class?: string;
  text?: string;
  title?: string;
  /** Plain attributes; never 'style'. */
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props, ...children: Child[]): HTMLElement;
export function h(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (props.id) el.id = props.id;
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  if (props.text !== undefined) el.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (name === 'style') throw new Error('inline styles are blocked by the CSP: use a class');
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [event, listener] of Object.entries(props.on ?? {})) el.addEventListener(event, listener as EventListener);
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces all children. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

export function show(el: HTMLElement, visible: boolean): void {
  el.hidden = !visible;
}

/** An <img> of a base64 PNG from the engine. */
export function pngImage(base64: string, props: Props = {}): HTMLImageElement {
  const img = h('img', props);
  img.src = `data:image/png;base64,${base64}`;
  img.alt = props.title ?? '';
  img.draggable = false;
  return img;
}

/** Reads a CSS custom property of the theme (e.g. '--vscode-charts-blue'), with a fallback. */
export function themeColor(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}
