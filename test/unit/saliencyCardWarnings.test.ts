import { beforeAll, expect, it, vi } from 'vitest';
import type { SaliencyResult } from '../../src/shared/engineProtocol';

// The saliency tile shows a result's warnings as text. A warning quotes numbers and names that
// could hold markup, so it must never reach innerHTML. A minimal DOM stands in for the webview's
// (no browser in unit tests); setting innerHTML on it fails the test.

class FakeNode {
  children: FakeNode[] = [];
  constructor(readonly text = '') {}
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  appendChild(c: FakeNode) {
    this.children.push(c);
    return c;
  }
  append(...cs: FakeNode[]) {
    cs.forEach((c) => this.appendChild(c));
  }
}

class FakeElement extends FakeNode {
  className = '';
  title = '';
  alt = '';
  src = '';
  attributes = new Map<string, string>();
  private ownText = '';
  constructor(readonly tagName: string) {
    super();
  }
  override get textContent(): string {
    return this.ownText + this.children.map((c) => c.textContent).join('');
  }
  override set textContent(v: string) {
    this.ownText = v;
  }
  set innerHTML(_v: string) {
    throw new Error('innerHTML used');
  }
  setAttribute(name: string, value: string) {
    this.attributes.set(name, value);
  }
  addEventListener() {}
  all(): FakeElement[] {
    return this.children.filter((c): c is FakeElement => c instanceof FakeElement).flatMap((c) => [c, ...c.all()]);
  }
}

vi.mock('../../src/webviews/ui', async () => {
  const dom = await import('../../src/webviews/ui/dom');
  const format = await import('../../src/webviews/ui/format');
  return { ...dom, ...format, button: (label: string) => dom.h('button', { text: label }) };
});

beforeAll(() => {
  (globalThis as unknown as { document: unknown }).document = { createElement: (tag: string) => new FakeElement(tag), createTextNode: (t: string) => new FakeNode(t) };
});

const result = (warnings: string[]): SaliencyResult => ({
  method: 'integrated-gradients',
  target: { kind: 'class', index: 0 },
  overlayPng: 'b3Zs',
  heatmapPng: 'aGVhdA==',
  signedMap: true,
  map: { shape: [1, 1], data: [0] },
  details: { steps: 2 },
  warnings,
  elapsedMs: 5,
  backend: 'wasm',
});

it('renders each warning on the method tile as text, markup included verbatim', async () => {
  const { resultCard } = await import('../../src/webviews/saliency/cards');
  const hostile = 'integrated gradients: attributions are incomplete: <img src=x onerror=alert(1)> 21 %';
  const card = resultCard(result([hostile, 'second']), undefined, () => {}) as unknown as FakeElement;
  const shown = card.all().filter((e) => e.className === 'card-warning');
  expect(shown.map((e) => e.textContent)).toEqual([hostile, 'second']);
  expect(shown.every((e) => e.children.length === 0 && e.attributes.get('role') === 'note')).toBe(true);
  expect(card.all().some((e) => e.tagName === 'img' && e.src === 'x')).toBe(false);
});

it('a result without warnings (or from an older engine) has no warning element', async () => {
  const { resultCard } = await import('../../src/webviews/saliency/cards');
  const none = resultCard(result([]), undefined, () => {}) as unknown as FakeElement;
  expect(none.all().filter((e) => e.className === 'card-warning')).toEqual([]);
  const old = { ...result([]), warnings: undefined } as unknown as SaliencyResult;
  expect((resultCard(old, undefined, () => {}) as unknown as FakeElement).all().filter((e) => e.className === 'card-warning')).toEqual([]);
});
