/// <reference lib="dom" />
// Saliency panel: one image explained by one or more methods side by side. The heatmap lies over
// the image as a second <img> with CSS opacity, so the opacity slider acts at once.
import type { ClassScore, LayerInfo, SaliencyMethodInfo, SaliencyMethodName, SaliencyOptions, SaliencyPlanResult, SaliencyResult, TargetSpec } from '../../shared/engineProtocol';
import { colormapList, type ColormapChoice, type PanelState, type SaliencyFromWebview, type SaliencyToWebview, type SaliencyView } from '../../shared/webviewProtocol';
import { button, checkbox, createShell, dropdown, field, h, onHostMessage, replace, show, slider, unreachable, vscodeApi } from '../ui';
import { methodTitle, orderedMethods, runLabel } from './methods';
import { pendingCard, resultCard } from './cards';
import { optionPanel } from './optionControls';
import { runOptions, withOption } from './optionValues';
import { aspectOf, composeOverlay, keepMapsCrisp } from './overlay';
import { describeTarget, sameTarget, type TargetContext } from './targets';
import { targetControls } from './targetControls';

const api = vscodeApi<SaliencyFromWebview>();
const shell = createShell(api);

interface Init {
  state: PanelState;
  imageDataUrl?: string;
  predictions: ClassScore[];
  hideClasses: boolean;
  numClasses: number;
  methods: SaliencyMethodInfo[];
  optionDefaults: Record<SaliencyMethodName, SaliencyOptions>;
  layers: LayerInfo[];
}

let init: Init | undefined;
let view: SaliencyView = { kind: 'saliency', methods: ['vanilla'], opacity: 0.5, colormap: 'auto' };
const plans = new Map<SaliencyMethodName, SaliencyPlanResult>();
/** The comparison on show: its methods, target and results. */
let shown: { methods: SaliencyMethodName[]; requested: TargetSpec; resolved?: TargetSpec; colormap: ColormapChoice; results: Map<SaliencyMethodName, SaliencyResult> } | undefined;
const cards = new Map<SaliencyMethodName, HTMLElement>();

const targets = targetControls(() => onTargetInput());

// Methods, run
const methodBoxes = h('div', { id: 'methods', class: 'method-choices', attrs: { role: 'group', 'aria-label': 'Methods' } });
const runButton = button('Run', () => run(), { id: 'run', title: 'Run the selected methods one after another on this image' });
const planList = h('ul', { id: 'plan', class: 'plan-list' });
const options = optionPanel((method, key, value) => {
  view = { ...view, options: withOption(view.options ?? {}, method, key, value) };
  saveView();
  plans.delete(method);
  renderPlans();
  api.post({ type: 'requestPlans', methods: [method], options: chosenOptions() });
}, () => updateRunButton());

// Display
const colormapPicker = dropdown<ColormapChoice>(
  [{ value: 'auto', label: 'Auto', title: 'coolwarm for signed maps (integrated gradients, occlusion), inferno otherwise' }, ...colormapList.map((c) => ({ value: c, label: c }))],
  'auto',
  (colormap) => {
    view = { ...view, colormap };
    saveView();
    updateHints();
  },
  { id: 'colormap' },
);
const opacityValue = h('span', { class: 'slider-value', text: '50%' });
const opacity = slider(0.5, (v) => setOpacity(v, true), { id: 'opacity', min: 0, max: 1, step: 0.05, title: 'Heatmap opacity over the image' });
const staleHint = h('span', { id: 'stale-hint', class: 'hint' });

replace(
  shell.controls,
  targets.row,
  h('div', { class: 'control-row' }, field('Methods', methodBoxes, { class: 'grow' })),
  options.element,
  h('div', { class: 'control-row' }, field('Colormap', colormapPicker.element), field('Opacity', h('div', { class: 'slider-box' }, opacity, opacityValue)), h('div', { class: 'run-box' }, runButton, staleHint)),
  planList,
);
shell.onBusyChange(() => updateRunButton());

const targetText = h('span', { id: 'target-class', text: '' });
const targetLine = h('h2', { class: 'target-line' }, h('span', { class: 'target-prefix', text: 'Explaining ' }), targetText);
const results = h('div', { id: 'results', class: 'results-grid' });
const exported = h('div', { id: 'exported', class: 'hint' });
const placeholder = h('p', { class: 'placeholder', text: 'Choose a target and methods, then Run.' });
replace(shell.content, targetLine, placeholder, results, exported);
keepMapsCrisp(results);
show(targetLine, false);
show(exported, false);
setOpacity(view.opacity, false);

onHostMessage<SaliencyToWebview>((message) => {
  switch (message.type) {
    case 'idle':
      shell.common(message);
      // A run that ended early (cancel, error) leaves cards without a result.
      for (const card of cards.values()) if (card.classList.contains('pending')) card.querySelector('.card-status')!.textContent = 'not run';
      return;
    case 'busy':
    case 'error':
      shell.common(message);
      return;
    case 'saliencyInit':
      onInit(message);
      return;
    case 'plan':
      plans.set(message.method, message.plan);
      renderPlans();
      return;
    case 'runStarted':
      startComparison(message.methods, message.target);
      return;
    case 'saliency':
      showResult(message.result);
      return;
    case 'exported':
      exported.textContent = `Exported ${message.format.toUpperCase()}: ${message.path}`;
      show(exported, true);
      return;
    default:
      unreachable(message);
  }
});
api.post({ type: 'ready' });

function onInit(m: Extract<SaliencyToWebview, { type: 'saliencyInit' }>): void {
  init = { state: m.state, imageDataUrl: m.imageDataUrl, predictions: m.predictions, hideClasses: m.hideClasses, numClasses: m.numClasses, methods: m.methods, optionDefaults: m.optionDefaults, layers: m.layers };
  view = m.view;
  shell.setTitle(`Saliency · ${m.modelName}`, m.imageName, `backend ${m.backend}`);
  targets.reset(context(), m.layers, view.target);
  // Methods
  replace(methodBoxes, ...m.methods.map((method) => checkbox(method.label, view.methods.includes(method.name), () => onMethodsChange(), { class: 'method-choice', value: method.name, title: method.hint })));
  colormapPicker.set(view.colormap);
  setOpacity(view.opacity, false);
  // Results: cleared; the host re-sends what it has
  shown = undefined;
  cards.clear();
  replace(results);
  show(targetLine, false);
  show(placeholder, true);
  show(exported, false);
  applyImageAspect();
  onTargetInput(false);
  updateRunButton();
  plans.clear();
  renderPlans();
  renderOptions();
  if (view.methods.length) api.post({ type: 'requestPlans', methods: view.methods, options: chosenOptions() });
  save();
}

function context(): TargetContext {
  return { predictions: init?.predictions ?? [], hideClasses: init?.hideClasses ?? false, numClasses: init?.numClasses ?? 0, hasLayers: (init?.layers.length ?? 0) > 0 };
}

const currentTarget = () => targets.current();

function onTargetInput(persist = true): void {
  const target = currentTarget();
  if (target && persist) {
    view = { ...view, target };
    saveView();
  }
  updateRunButton();
  updateHints();
}

const titleOf = (method: SaliencyMethodName) => methodTitle(init?.methods ?? [], method);

function selectedMethods(): SaliencyMethodName[] {
  const checked = [...methodBoxes.querySelectorAll<HTMLElement & { checked: boolean }>('.method-choice')].filter((c) => c.checked).map((c) => c.getAttribute('value') ?? '');
  return orderedMethods(checked, (init?.methods ?? []).map((m) => m.name));
}

function onMethodsChange(): void {
  const methods = selectedMethods();
  view = { ...view, methods };
  saveView();
  const missing = methods.filter((m) => !plans.has(m));
  renderOptions();
  if (missing.length) api.post({ type: 'requestPlans', methods: missing, options: chosenOptions() });
  renderPlans();
  updateRunButton();
}

const renderOptions = () => options.render(view.methods, init?.methods ?? [], init?.layers ?? [], view.options ?? {}, init?.optionDefaults ?? {});

/** The user's valid option values of the checked methods: what runs and plans send. */
const chosenOptions = () => runOptions(view.methods, view.options ?? {}, init?.methods ?? []);

function renderPlans(): void {
  replace(
    planList,
    ...view.methods.map((m) => {
      const plan = plans.get(m);
      return h('li', { class: 'plan-line', attrs: { 'data-method': m } }, h('strong', { text: `${titleOf(m).label}: ` }), plan ? plan.summary : 'cost…');
    }),
  );
}

function updateRunButton(): void {
  const methods = view.methods;
  runButton.textContent = runLabel(methods.length);
  const optionError = options.firstError();
  runButton.disabled = shell.busy || methods.length === 0 || !init?.state.image || currentTarget() === undefined || optionError !== undefined;
  runButton.title = optionError ?? 'Run the selected methods one after another on this image';
}

/** Says when the results on show no longer match the pickers. */
function updateHints(): void {
  if (!shown) {
    staleHint.textContent = '';
    return;
  }
  const notes: string[] = [];
  const target = currentTarget();
  if (target && !sameTarget(target, shown.requested) && !sameTarget(target, shown.resolved)) notes.push('target');
  if (view.colormap !== shown.colormap) notes.push('colormap');
  staleHint.textContent = notes.length ? `Run again to apply the new ${notes.join(' and ')}.` : '';
}

function run(): void {
  const target = currentTarget();
  const methods = selectedMethods();
  if (!target || methods.length === 0 || shell.busy) return;
  shell.clearError();
  api.post({ type: 'run', methods, target, colormap: view.colormap, opacity: view.opacity, options: chosenOptions() });
}

function startComparison(methods: SaliencyMethodName[], target: TargetSpec): void {
  shown = { methods, requested: target, colormap: view.colormap, results: new Map() };
  cards.clear();
  replace(results, ...methods.map((m) => cardFor(m, pendingCard(m, titleOf(m), shell.busy ? (plans.get(m)?.summary ?? 'waiting…') : 'not run'))));
  targetText.textContent = describeTarget(target, init?.hideClasses ?? false);
  show(targetLine, true);
  show(placeholder, false);
  show(exported, false);
  updateHints();
}

/** Puts a method's card in place of its previous one (if that one is on show). */
function cardFor(method: SaliencyMethodName, card: HTMLElement): HTMLElement {
  const old = cards.get(method);
  if (old?.isConnected) old.replaceWith(card);
  cards.set(method, card);
  return card;
}

function showResult(r: SaliencyResult): void {
  if (!shown) startComparison([r.method], r.target.kind === 'class' ? { kind: 'class', index: r.target.index } : r.target);
  shown!.results.set(r.method, r);
  shown!.resolved = r.target.kind === 'class' ? { kind: 'class', index: r.target.index } : r.target;
  targetText.textContent = describeTarget(r.target, init?.hideClasses ?? false);
  updateHints();
  const connected = cards.get(r.method)?.isConnected;
  const card = cardFor(r.method, resultCard(r, init?.imageDataUrl, (format) => void exportResult(r, format), titleOf(r.method)));
  if (!connected) results.append(card);
  show(targetLine, true);
  show(placeholder, false);
}

async function exportResult(r: SaliencyResult, format: 'png' | 'json'): Promise<void> {
  const base = init?.imageDataUrl;
  const overlayPng = format === 'png' && base ? await composeOverlay(base, r.heatmapPng, view.opacity) : undefined;
  api.post({ type: 'export', format, method: r.method, overlayPng, opacity: view.opacity });
}

function setOpacity(v: number, persist: boolean): void {
  view = { ...view, opacity: v };
  opacity.value = String(v);
  opacityValue.textContent = `${Math.round(v * 100)}%`;
  // A custom property through the CSSOM: every heatmap follows at once (no style attribute).
  results.style.setProperty('--overlay-opacity', String(v));
  if (persist) saveViewSoon();
}

function applyImageAspect(): void {
  const url = init?.imageDataUrl;
  if (!url) return;
  void aspectOf(url).then((a) => {
    if (a) results.style.setProperty('--image-aspect', String(a));
  });
}

let viewTimer: ReturnType<typeof setTimeout> | undefined;
function saveViewSoon(): void {
  save();
  clearTimeout(viewTimer);
  viewTimer = setTimeout(() => api.post({ type: 'view', view }), 300);
}

function saveView(): void {
  save();
  api.post({ type: 'view', view });
}

function save(): void {
  if (init) api.setState({ ...init.state, view });
}
