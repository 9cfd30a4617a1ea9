/// <reference lib="dom" />
// Max-activating patches panel: the patches of a folder's images that excite one channel most,
// each as its crop beside its guided backprop; a click shows the source image with the box.
import type { LayerInfo } from '../../shared/engineProtocol';
import type { PatchesView } from '../../shared/folderPanelViews';
import type { PatchesFromWebview, PatchesShown, PatchesToWebview, PatchTile } from '../../shared/patchesMessages';
import type { PanelState } from '../../shared/webviewProtocol';
import { button, createShell, dropdown, field, formatMs, formatNumber, h, layerChannels, layerChoices, onHostMessage, pngImage, replace, show, textField, unreachable, vscodeApi } from '../ui';
import { boxOnDisplay, parseChannel, parseTop } from './boxScale';

const api = vscodeApi<PatchesFromWebview>();
const shell = createShell(api);

let state: PanelState | undefined;
let view: PatchesView = { kind: 'patches', top: 9 };
let layers: LayerInfo[] = [];
let result: PatchesShown | undefined;
let running = false;

const folderName = h('span', { id: 'folder-name', class: 'image-path' });
const layerPicker = dropdown<string>([], '', () => changed(), { id: 'layer' });
const channelField = textField('0', () => changed(), { id: 'channel', size: 4 });
const topField = textField('9', () => changed(), { id: 'top', size: 4, title: 'How many patches, best first (1–400)' });
const runButton = button('Run', () => run(), { id: 'run' });
const stopButton = button('Stop', () => api.post({ type: 'stop' }), { id: 'stop', appearance: 'secondary', title: 'End the run; the images done so far are searched' });
const exports = (['png', 'json'] as const).map((format) => button(`Export ${format.toUpperCase()}`, () => api.post({ type: 'export', format }), { id: `export-${format}`, appearance: 'secondary' }));
const summary = h('span', { id: 'patches-summary', class: 'summary' });
replace(
  shell.controls,
  h('div', { class: 'control-row' }, field('Image folder', h('span', { class: 'picked-path' }, folderName, button('Change…', () => api.post({ type: 'pickFolder' }), { appearance: 'secondary' })))),
  h('div', { class: 'control-row' }, field('Layer', layerPicker.element), field('Channel', channelField), field('Top', topField), runButton, stopButton, ...exports),
  summary,
);
const placeholder = h('p', { class: 'placeholder', text: 'Loading…' });
const grid = h('div', { id: 'patch-grid', class: 'patch-grid' });
const sourceImage = h('img', { class: 'patch-source pixelated' });
sourceImage.alt = 'The source image of the patch';
const box = h('div', { class: 'patch-box' });
const sourceCaption = h('div', { id: 'patch-caption', class: 'caption' });
const sourceFrame = h('div', { class: 'patch-frame' }, sourceImage, box);
const detail = h('aside', { id: 'patch-detail', class: 'detail-pane' }, h('div', { class: 'detail-head' }, sourceCaption, button('✕', () => select(undefined), { appearance: 'icon', title: 'Close' })), sourceFrame, button('Open image', () => openSelected(), { appearance: 'secondary' }));
replace(shell.content, placeholder, h('div', { class: 'patches-layout' }, h('div', { class: 'grid-pane' }, grid), detail));
show(detail, false);
shell.onBusyChange(() => enable());
enable();
// The box follows the image's displayed size (the pane is resizable with the panel).
sourceImage.addEventListener('load', () => placeBox());
new ResizeObserver(() => placeBox()).observe(sourceImage);

onHostMessage<PatchesToWebview>((message) => {
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
    case 'patchesInit':
      state = message.state;
      view = message.view;
      layers = message.layers;
      shell.setTitle(`Max-activating patches · ${message.modelName}`, `backend ${message.backend}`);
      folderName.textContent = message.folder ?? '(none)';
      layerPicker.setChoices(layerChoices(layers), message.state.layer ?? layers[0]?.name ?? '');
      channelField.value = String(message.state.channel ?? 0);
      topField.value = String(view.top);
      placeholder.textContent = 'Run to find the patches.';
      save();
      return;
    case 'plan':
      summary.textContent = `${message.images} of ${message.total} images · ${message.summary}`;
      return;
    case 'runStarted':
      running = true;
      enable();
      return;
    case 'patches':
      showResult(message.result);
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

/** Layer, channel and top from the controls; undefined (and said why) when a number is not valid. */
function chosen(): { layer: string; channel: number; top: number } | undefined {
  const layer = layerPicker.value;
  const info = layers.find((l) => l.name === layer);
  const channels = info ? layerChannels(info) : undefined;
  const channel = parseChannel(channelField.value, channels);
  const top = parseTop(topField.value);
  if (!layer) shell.showError('Choose a layer.');
  else if (channel === undefined) shell.showError(`The channel must be a whole number${channels ? ` below ${channels}` : ''}.`);
  else if (top === undefined) shell.showError('Top must be a whole number from 1 to 400.');
  else return { layer, channel, top };
  return undefined;
}

function changed(): void {
  const c = chosen();
  if (!c) return;
  shell.clearError();
  view = { ...view, top: c.top };
  if (state) state = { ...state, layer: c.layer, channel: c.channel };
  save();
  api.post({ type: 'view', view });
}

function run(): void {
  const c = chosen();
  if (c) api.post({ type: 'run', ...c });
}

function showResult(r: PatchesShown): void {
  const keep = result && result.layer === r.layer && result.channel === r.channel ? view.selected : undefined;
  result = r;
  show(placeholder, r.patches.length === 0);
  placeholder.textContent = 'No patches: no image of the folder could be read.';
  replace(grid, ...r.patches.map((p, i) => tileElement(p, i)));
  const rf = r.receptiveField;
  summary.textContent = `${r.layer} channel ${r.channel} · receptive field ${rf.size.join('×')} px, stride ${rf.stride.join('×')} · ${r.used} of ${r.total} images, ${r.computed} through the model, ${r.cached} from the cache${r.skipped ? `, ${r.skipped} skipped` : ''} · ${formatMs(r.elapsedMs)}${r.stopped ? ' · stopped early' : ''}${r.warnings.length ? ` · ${r.warnings.join('; ')}` : ''}`;
  select(keep !== undefined && keep < r.patches.length ? keep : undefined);
  enable();
}

function tileElement(p: PatchTile, rank: number): HTMLElement {
  const el = h(
    'button',
    { class: 'patch-tile', title: `${p.relativePath}\nrow ${p.row}, column ${p.col}\nclick to show the patch on its image`, attrs: { type: 'button', 'aria-label': `${rank + 1}. ${p.name}, activation ${formatNumber(p.value)}` } },
    h('span', { class: 'patch-pair' }, pngImage(p.cropPng, { class: 'patch-crop pixelated', title: 'patch' }), pngImage(p.guidedPng, { class: 'patch-guided pixelated', title: 'guided backprop' })),
    h('span', { class: 'tile-caption', text: `${rank + 1}. ${formatNumber(p.value)}` }),
    h('span', { class: 'tile-name', text: p.name }),
  );
  el.addEventListener('click', () => select(rank));
  return el;
}

function select(rank: number | undefined): void {
  view = { ...view, selected: rank };
  const p = rank === undefined ? undefined : result?.patches[rank];
  grid.querySelectorAll('.patch-tile').forEach((t, i) => t.classList.toggle('selected', i === rank));
  show(detail, p !== undefined);
  if (p) {
    sourceCaption.textContent = `${rank! + 1}. ${p.name}${p.label ? ` · ${p.label}` : ''} · ${formatNumber(p.value)}`;
    sourceCaption.title = p.relativePath;
    if (sourceImage.src !== p.src) sourceImage.src = p.src;
    placeBox();
  }
  save();
  if (state) api.post({ type: 'view', view });
}

function placeBox(): void {
  const p = view.selected === undefined ? undefined : result?.patches[view.selected];
  const rect = p && sourceImage.complete ? boxOnDisplay(p.imageBox, { width: sourceImage.naturalWidth, height: sourceImage.naturalHeight }, { width: sourceImage.clientWidth, height: sourceImage.clientHeight }) : undefined;
  show(box, rect !== undefined);
  if (!rect) return;
  // CSSOM, not a style attribute: allowed by the CSP.
  box.style.left = `${rect.left}px`;
  box.style.top = `${rect.top}px`;
  box.style.width = `${rect.width}px`;
  box.style.height = `${rect.height}px`;
}

function openSelected(): void {
  const p = view.selected === undefined ? undefined : result?.patches[view.selected];
  if (p) api.post({ type: 'openImage', path: p.path });
}

function save(): void {
  if (state) api.setState({ ...state, view });
}
