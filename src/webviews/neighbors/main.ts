/// <reference lib="dom" />
// Neighbours panel: a query image and the folder's images nearest to it, in feature space and in
// pixel space side by side; tiles with the query's label get a green border, others a red one.
import type { NeighborsView } from '../../shared/folderPanelViews';
import type { NeighborRow, NeighborsFromWebview, NeighborsShown, NeighborsToWebview, NeighborTile } from '../../shared/neighborsMessages';
import type { PanelState } from '../../shared/webviewProtocol';
import { button, createShell, dropdown, field, formatMs, h, layerChoices, onHostMessage, replace, show, textField, unreachable, vscodeApi, type Choice } from '../ui';
import { drawFigure } from './figure';
import { formatDistance, markOf, parseK, rowSummary } from './tiles';

const api = vscodeApi<NeighborsFromWebview>();
const shell = createShell(api);

const metrics: Choice<NeighborsView['metric']>[] = [
  { value: 'cosine', label: 'cosine', title: '1 − cosine similarity' },
  { value: 'euclidean', label: 'euclidean', title: 'Euclidean distance' },
];
const spaces: Choice<NeighborsView['space']>[] = [
  { value: 'both', label: 'features and pixels', title: 'Both side by side: features group a class across looks, pixels find the same colours and layout' },
  { value: 'features', label: 'features', title: "The layer's feature vectors" },
  { value: 'pixels', label: 'pixels', title: "The model's input, as one long vector" },
];

let state: PanelState | undefined;
let view: NeighborsView = { kind: 'neighbors', k: 6, metric: 'cosine', space: 'both' };
let result: NeighborsShown | undefined;
let running = false;

const queryName = h('span', { id: 'query-name', class: 'image-path' });
const folderName = h('span', { id: 'folder-name', class: 'image-path' });
const kField = textField('6', () => changed(), { id: 'k', size: 4, title: 'How many neighbours' });
const metricPicker = dropdown(metrics, 'cosine', () => changed(), { id: 'metric' });
const spacePicker = dropdown(spaces, 'both', () => changed(), { id: 'space' });
const layerPicker = dropdown<string>([], '', () => changed(), { id: 'layer', title: 'The layer whose feature vectors are compared' });
const runButton = button('Run', () => run(), { id: 'run' });
const stopButton = button('Stop', () => api.post({ type: 'stop' }), { id: 'stop', appearance: 'secondary', title: 'End the run; the images done so far are compared' });
const exports = (['png', 'csv', 'json'] as const).map((format) => button(`Export ${format.toUpperCase()}`, () => api.post({ type: 'export', format }), { id: `export-${format}`, appearance: 'secondary' }));
const summary = h('span', { id: 'neighbors-summary', class: 'summary' });
replace(
  shell.controls,
  h('div', { class: 'control-row' }, field('Query', h('span', { class: 'picked-path' }, queryName, button('Change…', () => api.post({ type: 'pickQuery' }), { appearance: 'secondary' }))), field('Image folder', h('span', { class: 'picked-path' }, folderName, button('Change…', () => api.post({ type: 'pickFolder' }), { appearance: 'secondary' })))),
  h('div', { class: 'control-row' }, field('k', kField), field('Metric', metricPicker.element), field('Space', spacePicker.element), field('Layer', layerPicker.element), runButton, stopButton, ...exports),
  summary,
);
const placeholder = h('p', { class: 'placeholder', text: 'Loading…' });
const results = h('div', { id: 'neighbors-results', class: 'neighbors-layout' });
replace(shell.content, placeholder, results);
shell.onBusyChange(() => enable());
enable();

onHostMessage<NeighborsToWebview>((message) => {
  switch (message.type) {
    case 'busy':
    case 'error':
      shell.common(message);
      return;
    case 'idle':
      running = false;
      shell.common(message);
      enable();
      return;
    case 'neighborsInit':
      state = message.state;
      view = message.view;
      shell.setTitle(`Neighbours · ${message.modelName}`, `backend ${message.backend}`);
      queryName.textContent = message.query ? message.query.name : '(none)';
      queryName.title = message.query?.relativePath ?? '';
      folderName.textContent = message.folder ?? '(none)';
      kField.value = String(view.k);
      metricPicker.set(view.metric);
      spacePicker.set(view.space);
      layerPicker.setChoices([{ value: '', label: "default (the model's feature layer)" }, ...layerChoices(message.layers)], message.state.layer ?? '');
      placeholder.textContent = message.query ? 'Run to find the nearest images.' : 'Choose a query image.';
      save();
      return;
    case 'plan':
      summary.textContent = `${message.images} of ${message.total} images · ${message.summary}`;
      return;
    case 'runStarted':
      running = true;
      enable();
      return;
    case 'neighbors':
      showResult(message.result);
      return;
    case 'drawFigure':
      if (result) void drawFigure(result, message.images).then((png) => api.post({ type: 'exportFigure', png }), (e: unknown) => shell.showError(e instanceof Error ? e.message : String(e)));
      return;
    case 'exported':
      summary.textContent = `Exported ${message.path}`;
      return;
    default:
      unreachable(message);
  }
});
api.post({ type: 'ready' });

function enable(): void {
  runButton.disabled = shell.busy;
  stopButton.disabled = !running;
  for (const b of exports) b.disabled = shell.busy || !result;
}

/** The controls' values as a view; undefined (and said why) when k is not a whole number. */
function chosenView(): NeighborsView | undefined {
  const k = parseK(kField.value);
  if (k === undefined) {
    shell.showError('k must be a whole number from 1 to 1000.');
    return undefined;
  }
  return { ...view, k, metric: metricPicker.value, space: spacePicker.value };
}

function changed(): void {
  const v = chosenView();
  if (!v) return;
  view = v;
  if (state) state = { ...state, layer: layerPicker.value || undefined };
  save();
  api.post({ type: 'view', view });
}

function run(): void {
  const v = chosenView();
  if (!v) return;
  view = v;
  api.post({ type: 'run', view, layer: layerPicker.value });
}

function showResult(r: NeighborsShown): void {
  result = r;
  show(placeholder, false);
  const query = h('figure', { class: 'neighbor-query' }, thumb(r.query.src, r.query.name), h('figcaption', { class: 'tile-caption', text: r.queryLabel !== undefined ? `query · ${r.queryLabel || '(no label)'}` : 'query' }), h('div', { class: 'tile-name', text: r.query.name, title: r.query.relativePath }));
  query.addEventListener('click', () => api.post({ type: 'openImage', path: r.query.path }));
  replace(results, query, h('div', { class: 'neighbor-rows' }, ...r.rows.map((row) => rowElement(row, r.queryLabel))));
  const stopped = r.stopped ? ` · stopped after ${r.computed + r.cached} images` : '';
  summary.textContent = `${r.used} of ${r.total} images · ${r.computed} through the model, ${r.cached} from the cache${r.skipped ? `, ${r.skipped} skipped` : ''} · ${formatMs(r.elapsedMs)}${stopped}${r.warnings.length ? ` · ${r.warnings.join('; ')}` : ''}`;
  enable();
  save();
}

function rowElement(row: NeighborRow, queryLabel: string | undefined): HTMLElement {
  const counts = rowSummary(row, queryLabel);
  return h('section', { class: `neighbor-row space-${row.space}` }, h('h2', { class: 'row-title', text: row.title }, counts ? h('span', { class: 'hint', text: ` · ${counts}` }) : null), h('div', { class: 'neighbor-grid' }, ...row.tiles.map((t, i) => tileElement(t, i, queryLabel))));
}

function tileElement(t: NeighborTile, rank: number, queryLabel: string | undefined): HTMLElement {
  const mark = markOf(t.label, queryLabel);
  const el = h(
    'button',
    { class: `neighbor-tile mark-${mark}`, title: `${t.relativePath}\nclick to open`, attrs: { type: 'button', 'aria-label': `${rank + 1}. ${t.name}, label ${t.label || 'none'}, distance ${formatDistance(t.distance)}` } },
    thumb(t.src, t.name),
    h('span', { class: 'tile-name', text: t.name }),
    h('span', { class: 'tile-caption', text: `${t.label || '–'} · ${formatDistance(t.distance)}` }),
  );
  el.addEventListener('click', () => api.post({ type: 'openImage', path: t.path }));
  return el;
}

function thumb(src: string, name: string): HTMLImageElement {
  const img = h('img', { class: 'neighbor-thumb' });
  img.src = src;
  img.alt = name;
  img.draggable = false;
  return img;
}

function save(): void {
  if (state) api.setState({ ...state, view });
}
