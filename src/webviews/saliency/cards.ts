/// <reference lib="dom" />
// One card per method in the comparison: the heatmap over the image (two stacked <img>, the top
// one's opacity from the --overlay-opacity custom property), the method's numbers, export buttons.
import type { SaliencyMethodName, SaliencyResult } from '../../shared/engineProtocol';
import { button, formatDetail, formatMs, h } from '../ui';
import type { MethodTitle } from './methods';

function head(title: MethodTitle, status: HTMLElement): HTMLElement {
  return h('header', { class: 'card-head' }, h('h3', { text: title.label, title: title.hint }), status);
}

/** A method asked for, not computed (yet): `status` says which. */
export function pendingCard(method: SaliencyMethodName, title: MethodTitle, status: string): HTMLElement {
  return h('article', { class: 'result-card pending', attrs: { 'data-method': method } }, head(title, h('span', { class: 'card-status', text: status })));
}

/**
 * A result. Without the user's image (`baseUrl` undefined) the engine's own overlay is shown
 * instead of the heatmap, at full opacity.
 */
export function resultCard(r: SaliencyResult, baseUrl: string | undefined, onExport: (format: 'png' | 'json') => void, title: MethodTitle = { label: r.method, hint: '' }): HTMLElement {
  const heat = h('img', { class: baseUrl ? 'result' : 'result no-base', title: `${title.label} heatmap` });
  heat.alt = `${title.label} saliency`;
  heat.src = `data:image/png;base64,${baseUrl ? r.heatmapPng : r.overlayPng}`;
  const stack = h('div', { class: 'overlay-stack' });
  if (baseUrl) {
    const img = h('img', { class: 'base' });
    img.alt = 'Input image';
    img.src = baseUrl;
    stack.append(img);
  }
  stack.append(heat);
  const details = h(
    'dl',
    { class: 'details' },
    ...Object.entries(r.details).flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: formatDetail(v) })]),
    h('dt', { text: 'map' }),
    h('dd', { text: `${r.map.shape.join('×')}${r.signedMap ? ', signed' : ''}` }),
    h('dt', { text: 'backend' }),
    h('dd', { text: r.backend }),
  );
  // Text nodes only: a warning may quote numbers or names, never markup.
  const warnings = (r.warnings ?? []).map((w) => h('p', { class: 'card-warning', text: w, attrs: { role: 'note' } }));
  return h(
    'article',
    { class: 'result-card', attrs: { 'data-method': r.method } },
    head(title, h('span', { class: 'elapsed', text: formatMs(r.elapsedMs) })),
    stack,
    ...warnings,
    details,
    h('div', { class: 'card-actions' }, button('Export PNG', () => onExport('png'), { appearance: 'secondary', class: 'export-png' }), button('Export JSON', () => onExport('json'), { appearance: 'secondary', class: 'export-json' })),
  );
}
