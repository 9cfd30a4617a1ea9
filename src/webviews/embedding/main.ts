/// <reference lib="dom" />
// The Embedding map panel's webview: the folder, the embed method's option controls (from the
// engine's schema; only the chosen method's parameters show), the sample size, the cost and image
// count, Run / Stop, and the map (mapView.ts).
import type { EmbeddingFromWebview, EmbeddingRequest, EmbeddingToWebview, EmbeddingView } from '../../shared/embeddingMessages';
import type { CostPlan } from '../../shared/methodSchema';
import type { OptionValues } from '../../shared/webviewProtocol';
import { button, createShell, field, h, onHostMessage, replace, unreachable, vscodeApi } from '../ui';
import { optionRow } from '../ui/optionForm';
import { methodRunOptions, type OptionValue } from '../ui/optionValues';
import { mapView } from './mapView';
import { planLine, requestKey, withValue } from './requestState';
import { shownOptions } from './scatterData';

type Init = Extract<EmbeddingToWebview, { type: 'embeddingInit' }>;

const api = vscodeApi<EmbeddingFromWebview>();
const shell = createShell(api);
let init: Init | undefined;
let view: EmbeddingView = { kind: 'embedding' };
let running = false;
const optionErrors = new Map<string, string>();
const plans = new Map<string, (CostPlan & { images: number; total: number }) | { error: string }>();

const folderPath = h('span', { id: 'folder-path', class: 'image-path' });
const folderButton = button('Choose Folder…', () => api.post({ type: 'pickFolder' }), { id: 'choose-folder', appearance: 'secondary' });
const limitInput = h('input', { id: 'limit', class: 'option-input', title: 'At most this many images, a seeded sample (empty: all)', attrs: { type: 'number', min: 3, step: 1, placeholder: 'all' } });
const optionsBox = h('div', { id: 'embed-options', class: 'option-rows' });
const runButton = button('Run', () => run(), { id: 'run', disabled: true });
const stopButton = button('Stop', () => stop(), { id: 'stop', appearance: 'secondary', disabled: true, title: 'End the run now and map the images done so far (Cancel discards it)' });
const plan = h('span', { id: 'plan', class: 'hint' });
const map = mapView({
  onHiddenChange: (hidden) => saveView({ ...view, hidden }),
  onPick: (path) => api.post({ type: 'findSimilar', path }),
  onExportPng: (pngBase64) => api.post({ type: 'exportPng', pngBase64 }),
  onExportData: (format) => api.post({ type: 'exportData', format }),
  onFrameReport: (r) => api.post({ type: 'frameTimes', ...r }),
});

replace(
  shell.controls,
  h('div', { class: 'control-row' }, field('Image folder', h('div', { class: 'image-box' }, folderPath, folderButton)), field('Limit', limitInput)),
  optionsBox,
  h('div', { class: 'control-row' }, h('div', { class: 'run-box' }, runButton, stopButton, plan)),
);
replace(shell.content, map.element);
shell.onBusyChange(() => updateButtons());
new MutationObserver(() => map.retheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
limitInput.addEventListener('input', () => {
  const n = limitInput.value.trim() === '' ? undefined : Number(limitInput.value);
  const bad = n !== undefined && !(Number.isInteger(n) && n >= 3);
  limitInput.classList.toggle('invalid', bad);
  if (bad) optionErrors.set('limit', 'Limit: a whole number of at least 3, or empty for all');
  else optionErrors.delete('limit');
  if (!bad) saveView({ ...view, limit: n });
  requestPlanSoon();
});

onHostMessage<EmbeddingToWebview>((message) => {
  switch (message.type) {
    case 'busy':
    case 'error':
      shell.common(message);
      return;
    case 'idle':
      shell.common(message);
      running = false;
      map.setRunning(false);
      updateButtons();
      return;
    case 'embeddingInit':
      onInit(message);
      return;
    case 'plan':
      plans.set(requestKey(message.request), message.plan);
      renderPlan();
      return;
    case 'planError':
      plans.set(requestKey(message.request), { error: message.message });
      renderPlan();
      return;
    case 'runStarted':
      running = true;
      map.setRunning(true);
      updateButtons();
      return;
    case 'embedding':
      map.show(message.map, view.hidden);
      return;
    case 'exported':
      map.exported(message.path);
      return;
    default:
      unreachable(message);
  }
});
api.post({ type: 'ready' });

function onInit(m: Init): void {
  init = m;
  view = m.view;
  shell.setTitle(`Embedding map · ${m.modelName}`, m.folderPath, `backend ${m.backend}`);
  folderPath.textContent = m.folderPath || 'none chosen';
  folderPath.title = m.folderPath;
  limitInput.value = view.limit === undefined ? '' : String(view.limit);
  if (!running) map.clear();
  renderOptions();
  api.setState({ ...m.state, view });
}

/** The option row for the method on show (re-built when the method changes: its parameters differ). */
function renderOptions(): void {
  const method = init?.method;
  optionErrors.forEach((_, k) => k !== 'limit' && optionErrors.delete(k));
  if (!method) return replace(optionsBox);
  const embedding = String(view.options?.method ?? init?.optionDefaults.method ?? 'pca');
  const row = optionRow(shownOptions(method, embedding), init?.layers ?? [], view.options, init?.optionDefaults, {
    onValue: (key, value) => onOption(key, value),
    onValidity: (key, error) => {
      if (error === undefined) optionErrors.delete(key);
      else optionErrors.set(key, error);
      updateButtons();
    },
  }, { showMethod: false });
  replace(optionsBox, row ?? null);
  requestPlan();
  updateButtons();
}

function onOption(key: string, value: OptionValue | undefined): void {
  saveView({ ...view, options: withValue(view.options, key, value) });
  if (key === 'method') renderOptions();
  else requestPlanSoon();
}

function request(): EmbeddingRequest {
  const options: OptionValues = methodRunOptions(init?.method, view.options);
  return { options, ...(view.limit !== undefined ? { limit: view.limit } : {}) };
}

let planTimer: ReturnType<typeof setTimeout> | undefined;
function requestPlanSoon(): void {
  clearTimeout(planTimer);
  planTimer = setTimeout(requestPlan, 300);
  renderPlan();
}

function requestPlan(): void {
  if (!init?.method || !view.folder) return renderPlan();
  const r = request();
  if (!plans.has(requestKey(r))) api.post({ type: 'requestPlan', request: r });
  renderPlan();
}

function renderPlan(): void {
  const p = init?.method && view.folder ? plans.get(requestKey(request())) : undefined;
  plan.textContent = planLine(p, !!view.folder);
  plan.classList.toggle('inline-error', p !== undefined && 'error' in p);
}

function blocker(): string | undefined {
  if (!init?.method) return 'The engine offers no embedding map.';
  if (!view.folder) return 'Choose an image folder first.';
  if (shell.busy) return 'Busy: wait for the running job, or stop it.';
  return optionErrors.values().next().value;
}

function updateButtons(): void {
  const why = blocker();
  runButton.disabled = why !== undefined;
  runButton.title = why ?? 'Map the folder with these options';
  stopButton.disabled = !running;
  folderButton.disabled = shell.busy;
}

function run(): void {
  if (blocker() !== undefined) return;
  shell.clearError();
  api.post({ type: 'run', request: request() });
}

function stop(): void {
  if (!running) return;
  stopButton.disabled = true;
  api.post({ type: 'stop' });
}

function saveView(next: EmbeddingView): void {
  view = next;
  if (init) api.setState({ ...init.state, view });
  api.post({ type: 'view', view });
}
