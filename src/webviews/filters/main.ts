/// <reference lib="dom" />
// Filters panel: a conv layer's kernels as the engine's grid image; a click zooms on one filter.
import type { FilterMode, FiltersResult } from '../../shared/engineProtocol';
import type { FiltersFromWebview, FiltersToWebview, FiltersView, PanelState } from '../../shared/webviewProtocol';
import { button, createShell, dropdown, field, formatShape, h, layerChoices, onHostMessage, replace, show, unreachable, vscodeApi, type Choice } from '../ui';
import { filterAtPoint, filterBox, gridGeometry, resolvedMode } from './gridHit';

const api = vscodeApi<FiltersFromWebview>();
const shell = createShell(api);

const modes: Choice<FilterMode>[] = [
  { value: 'auto', label: 'Auto', title: 'RGB tiles for a first layer on colour input, else the mean over input channels' },
  { value: 'rgb', label: 'RGB', title: 'Each filter as a colour tile (first layer on RGB input only)' },
  { value: 'mean', label: 'Mean over inputs', title: 'Each filter averaged over its input channels (blue negative, red positive)' },
  { value: 'per-input', label: 'Per input channel', title: 'One row per filter, one tile per input channel' },
];

let state: PanelState | undefined;
let view: FiltersView = { kind: 'filters', mode: 'auto' };
let result: FiltersResult | undefined;

const layerPicker = dropdown<string>([], '', (layer) => request(layer, view.mode), { id: 'layer' });
const modePicker = dropdown<FilterMode>(modes, 'auto', (mode) => state?.layer && request(state.layer, mode), { id: 'mode' });
const summary = h('span', { id: 'filters-summary', class: 'summary' });
replace(shell.controls, field('Layer', layerPicker.element), field('Mode', modePicker.element), summary);
shell.onBusyChange((busy) => {
  layerPicker.setDisabled(busy);
  modePicker.setDisabled(busy);
});

const gridImage = h('img', { class: 'filters-grid pixelated', title: 'Click a filter to zoom on it' });
gridImage.alt = 'Filters of the layer';
const highlight = h('div', { class: 'grid-highlight' });
const gridFrame = h('div', { class: 'grid-frame' }, gridImage, highlight);
const zoomImage = h('img', { class: 'filter-zoom pixelated' });
zoomImage.alt = 'The selected filter';
const zoomCaption = h('div', { id: 'filter-caption', class: 'caption' });
const zoomPane = h(
  'aside',
  { class: 'zoom-pane' },
  h('div', { class: 'zoom-nav' }, button('‹', () => step(-1), { appearance: 'icon', title: 'Previous filter' }), zoomCaption, button('›', () => step(1), { appearance: 'icon', title: 'Next filter' }), button('✕', () => select(undefined), { appearance: 'icon', title: 'Close' })),
  zoomImage,
);
const placeholder = h('p', { class: 'placeholder', text: 'Loading filters…' });
replace(shell.content, h('div', { class: 'filters-layout' }, h('div', { class: 'grid-pane' }, placeholder, gridFrame), zoomPane));
show(gridFrame, false);
show(zoomPane, false);

gridImage.addEventListener('click', (e) => {
  if (!result) return;
  const box = gridImage.getBoundingClientRect();
  const f = filterAtPoint((e.clientX - box.left) / box.width, (e.clientY - box.top) / box.height, gridGeometry(result), result.tiles.length);
  if (f !== undefined) select(f);
});
document.addEventListener('keydown', (e) => {
  if (view.filter === undefined || e.target instanceof HTMLInputElement) return;
  if (e.key === 'ArrowRight') step(1);
  else if (e.key === 'ArrowLeft') step(-1);
  else if (e.key === 'Escape') select(undefined);
});

onHostMessage<FiltersToWebview>((message) => {
  switch (message.type) {
    case 'idle':
      shell.common(message);
      // A request that failed leaves the pickers on what it asked for: back to what is shown.
      if (result) {
        layerPicker.set(result.layer);
        modePicker.set(result.mode);
        view = { ...view, mode: result.mode };
      }
      return;
    case 'busy':
    case 'error':
      shell.common(message);
      return;
    case 'filtersInit':
      state = message.state;
      view = message.view;
      shell.setTitle(`Filters · ${message.modelName}`, `backend ${message.backend}`);
      shell.setDescription(message.description ?? '');
      layerPicker.setChoices(layerChoices(message.layers), message.state.layer ?? message.layers[0]?.name ?? '');
      modePicker.set(view.mode);
      save();
      return;
    case 'filters':
      showResult(message.result);
      return;
    default:
      unreachable(message);
  }
});
api.post({ type: 'ready' });

function request(layer: string, mode: FilterMode): void {
  view = { ...view, mode, filter: undefined };
  api.post({ type: 'showFilters', layer, mode });
}

function showResult(r: FiltersResult): void {
  const sameLayer = result?.layer === r.layer;
  result = r;
  if (state) state = { ...state, layer: r.layer };
  layerPicker.set(r.layer);
  modePicker.set(r.mode);
  view = { ...view, mode: r.mode };
  gridImage.src = `data:image/png;base64,${r.png}`;
  const [kh, kw, cin, cout] = r.kernelShape;
  summary.textContent = `${cout} filters of ${kh}×${kw}×${cin} · shown ${resolvedMode(r)}${r.tiles.length < (cout ?? 0) ? ` (first ${r.tiles.length})` : ''}`;
  show(placeholder, false);
  show(gridFrame, true);
  const keep = sameLayer && view.filter !== undefined && view.filter < r.tiles.length ? view.filter : undefined;
  select(keep);
}

function select(filter: number | undefined): void {
  view = { ...view, filter };
  if (!result || filter === undefined) {
    show(zoomPane, false);
    show(highlight, false);
  } else {
    const tile = result.tiles[filter]!;
    zoomImage.src = `data:image/png;base64,${tile}`;
    const [kh, kw, cin] = result.kernelShape;
    zoomCaption.textContent = `Filter ${filter} of ${result.tiles.length} · ${formatShape([kh ?? 0, kw ?? 0, cin ?? 0])}`;
    show(zoomPane, true);
    const box = filterBox(filter, gridGeometry(result));
    show(highlight, box !== undefined);
    if (box) {
      // CSSOM, not a style attribute: allowed by the CSP.
      highlight.style.left = `${box.left * 100}%`;
      highlight.style.top = `${box.top * 100}%`;
      highlight.style.width = `${box.width * 100}%`;
      highlight.style.height = `${box.height * 100}%`;
    }
  }
  save();
  api.post({ type: 'view', view });
}

function step(delta: number): void {
  if (!result || view.filter === undefined) return;
  const n = result.tiles.length;
  select((view.filter + delta + n) % n);
}

function save(): void {
  if (state) api.setState({ ...state, view });
}
