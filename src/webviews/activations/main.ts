/// <reference lib="dom" />
// Activations panel: one image's per-channel maps at a layer, a bar chart of channel means, and a
// selected channel large with its neuron saliency.
import type { ActivationsResult, ChannelActivation, SaliencyResult } from '../../shared/engineProtocol';
import type { ActivationsFromWebview, ActivationsToWebview, ActivationsView, ChannelOrder, NeuronMethod, PanelState } from '../../shared/webviewProtocol';
import { button, createShell, dropdown, field, formatMs, formatNumber, formatShape, h, layerChoices, onHostMessage, pngImage, replace, show, unreachable, vscodeApi, type Choice } from '../ui';
import { maxChartBars, meansChart } from './chart';
import { orderChannels, ordinal, rankOf, visibleChannels } from './channels';

const api = vscodeApi<ActivationsFromWebview>();
const shell = createShell(api);

let state: PanelState | undefined;
let view: ActivationsView = { kind: 'activations', order: 'mean', neuronMethod: 'guided' };
let result: ActivationsResult | undefined;
let selected: number | undefined;
let showAll = false;
/** The channel whose neuron saliency is on show. */
let neuronFor: number | undefined;

const orders: Choice<ChannelOrder>[] = [
  { value: 'mean', label: 'By mean activation', title: 'Most active channels first' },
  { value: 'channel', label: 'Channel order' },
];
const neuronMethods: Choice<NeuronMethod>[] = [
  { value: 'guided', label: 'Guided backprop', title: 'Sharper: only positive gradients through positive activations' },
  { value: 'vanilla', label: 'Vanilla gradient' },
];

const layerPicker = dropdown<string>([], '', (layer) => {
  select(undefined, false);
  api.post({ type: 'showActivations', layer });
}, { id: 'layer' });
const orderPicker = dropdown<ChannelOrder>(orders, 'mean', (order) => {
  view = { ...view, order };
  saveView();
  render();
}, { id: 'order' });
const methodPicker = dropdown<NeuronMethod>(neuronMethods, 'guided', (neuronMethod) => {
  view = { ...view, neuronMethod };
  saveView();
  if (state?.layer && selected !== undefined) api.post({ type: 'neuronSaliency', layer: state.layer, channel: selected, method: neuronMethod });
}, { id: 'neuron-method' });
const summary = h('span', { id: 'activations-summary', class: 'summary' });
replace(shell.controls, field('Layer', layerPicker.element), field('Order', orderPicker.element), field('Neuron saliency', methodPicker.element), summary);
shell.onBusyChange((busy) => layerPicker.setDisabled(busy));

const inputImage = h('img', { class: 'input-image' });
inputImage.alt = 'Input image';
const inputCaption = h('div', { class: 'caption' });
const inputBox = h('figure', { class: 'input-box' }, inputImage, inputCaption);
const canvas = h('canvas', { id: 'channel-chart' });
const chartBox = h('div', { class: 'chart-box' }, canvas);
const chart = meansChart(canvas, (channel) => select(channel, true));
new MutationObserver(() => chart.retheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

const grid = h('div', { id: 'channels', class: 'channel-grid' });
const more = button('Show all channels', () => {
  showAll = true;
  render();
}, { appearance: 'secondary', id: 'show-all' });

const largeImage = h('img', { class: 'channel-large pixelated' });
largeImage.alt = 'Selected channel';
const largeCaption = h('div', { id: 'channel-caption', class: 'caption' });
const neuronImage = h('img', { class: 'neuron-saliency' });
neuronImage.alt = 'Neuron saliency';
const neuronCaption = h('div', { id: 'neuron-caption', class: 'caption' });
const neuronBox = h('figure', { class: 'neuron-box' }, neuronImage, neuronCaption);
const detail = h(
  'aside',
  { id: 'channel-detail', class: 'detail-pane' },
  h('div', { class: 'detail-head' }, largeCaption, button('✕', () => select(undefined, true), { appearance: 'icon', title: 'Close' })),
  h('div', { class: 'detail-images' }, h('figure', { class: 'large-box' }, largeImage, h('figcaption', { class: 'caption', text: 'activation map' })), neuronBox),
);
const placeholder = h('p', { class: 'placeholder', text: 'Loading activations…' });
replace(shell.content, h('div', { class: 'activations-top' }, inputBox, chartBox), placeholder, h('div', { class: 'activations-layout' }, h('div', { class: 'grid-pane' }, grid, more), detail));
show(detail, false);
show(neuronImage, false);
show(more, false);
show(chartBox, false);

onHostMessage<ActivationsToWebview>((message) => {
  switch (message.type) {
    case 'idle':
      shell.common(message);
      // A layer that failed to load leaves the picker on it: back to the layer shown.
      if (result) layerPicker.set(result.layer);
      return;
    case 'busy':
    case 'error':
      shell.common(message);
      return;
    case 'activationsInit':
      state = message.state;
      view = message.view;
      selected = message.state.channel;
      shell.setTitle(`Activations · ${message.modelName}`, message.imageName, `backend ${message.backend}`);
      layerPicker.setChoices(layerChoices(message.layers), message.state.layer ?? '');
      orderPicker.set(view.order);
      methodPicker.set(view.neuronMethod);
      if (message.imageDataUrl) inputImage.src = message.imageDataUrl;
      inputCaption.textContent = message.imageName;
      show(inputBox, Boolean(message.imageDataUrl));
      save();
      return;
    case 'activations':
      showActivations(message.result);
      return;
    case 'neuronSaliency':
      if (message.layer === state?.layer && message.channel === selected) showNeuron(message.result);
      return;
    default:
      unreachable(message);
  }
});
api.post({ type: 'ready' });

function showActivations(r: ActivationsResult): void {
  const sameLayer = result?.layer === r.layer;
  result = r;
  if (state) state = { ...state, layer: r.layer };
  layerPicker.set(r.layer);
  if (!sameLayer) showAll = false;
  if (selected !== undefined && !r.channels.some((c) => c.channel === selected)) selected = undefined;
  const spatial = r.shape.length === 4 ? `${formatShape(r.shape.slice(1, 3))} maps` : 'one value each';
  summary.textContent = `${r.channels.length} channels · ${spatial}`;
  show(placeholder, false);
  render();
  select(selected, false);
}

/** Tiles and chart in the chosen order. */
function render(): void {
  if (!result) return;
  const ordered = orderChannels(result.channels, view.order);
  const visible = visibleChannels(ordered, showAll, selected);
  replace(grid, ...visible.map(tile));
  more.textContent = `Show all ${ordered.length} channels`;
  show(more, visible.length < ordered.length);
  const charted = ordered.length > 1 && ordered.length <= maxChartBars;
  show(chartBox, charted);
  if (charted) chart.update(ordered, selected);
}

function tile(c: ChannelActivation): HTMLElement {
  const el = h(
    'button',
    { class: `channel-tile${c.channel === selected ? ' selected' : ''}`, title: `channel ${c.channel}: mean ${formatNumber(c.mean)}, max ${formatNumber(c.max)}`, attrs: { 'data-channel': c.channel, type: 'button' } },
    pngImage(c.png, { class: 'pixelated', title: `channel ${c.channel}` }),
    h('span', { class: 'tile-caption', text: `${c.channel} · ${formatNumber(c.mean)}` }),
  );
  el.addEventListener('click', () => select(c.channel, true));
  return el;
}

/** Shows a channel large and asks for its neuron saliency (`ask`: a user gesture, not a restore). */
function select(channel: number | undefined, ask: boolean): void {
  const changed = channel !== selected;
  selected = channel;
  for (const t of grid.querySelectorAll<HTMLElement>('.channel-tile')) t.classList.toggle('selected', Number(t.dataset.channel) === channel);
  const c = channel === undefined ? undefined : result?.channels.find((x) => x.channel === channel);
  if (!c || !result || !state?.layer) {
    show(detail, false);
    if (ask && changed && state?.layer) api.post({ type: 'selectChannel', layer: state.layer, channel: undefined });
    if (result) render();
    save();
    return;
  }
  if (grid.querySelector(`[data-channel="${c.channel}"]`) === null) render();
  else if (result.channels.length <= maxChartBars) chart.update(orderChannels(result.channels, view.order), selected);
  largeImage.src = `data:image/png;base64,${c.png}`;
  const rank = rankOf(result.channels, c.channel);
  largeCaption.textContent = `${state.layer} · channel ${c.channel} · mean ${formatNumber(c.mean)} · max ${formatNumber(c.max)}${rank ? ` · ${ordinal(rank)} most active of ${result.channels.length}` : ''}`;
  show(detail, true);
  if (neuronFor !== c.channel || ask) {
    neuronFor = undefined;
    neuronImage.removeAttribute('src');
    neuronCaption.textContent = 'Computing the neuron saliency…';
    show(neuronImage, false);
  }
  if (ask) api.post({ type: 'neuronSaliency', layer: state.layer, channel: c.channel, method: view.neuronMethod });
  save();
}

function showNeuron(r: SaliencyResult): void {
  neuronFor = selected;
  neuronImage.src = `data:image/png;base64,${r.overlayPng}`;
  show(neuronImage, true);
  const method = neuronMethods.find((m) => m.value === r.method)?.label ?? r.method;
  neuronCaption.textContent = `${method} for the channel's mean · ${formatMs(r.elapsedMs)}`;
}

function saveView(): void {
  save();
  api.post({ type: 'view', view });
}

function save(): void {
  if (state) api.setState({ ...state, channel: selected, view });
}
