/// <reference lib="dom" />
// The Synthesis panel's webview: method picker, the method's option controls (generated from the
// engine's option schemas), the input image, the cost, Run / Stop, and the live result (previews,
// then the final image, its loss curve, warnings and Save).
import type { CostPlan } from '../../shared/methodSchema';
import type { OptionValues, PickedFile, SynthesisFromWebview, SynthesisMethodInfo, SynthesisToWebview, SynthesisView } from '../../shared/webviewProtocol';
import { button, createShell, dropdown, field, h, onHostMessage, replace, show, unreachable, vscodeApi } from '../ui';
import { sourceThumbs, withPickedFiles } from '../ui/fileOptions';
import { optionRow } from '../ui/optionForm';
import { methodRunOptions, withOption, type OptionValue } from '../ui/optionValues';
import { needsImage, optionsKey, planText, runBlocker, shownMethod } from './methodState';
import { resultView } from './resultView';

type Init = Extract<SynthesisToWebview, { type: 'synthesisInit' }>;

const api = vscodeApi<SynthesisFromWebview>();
const shell = createShell(api);
let init: Init | undefined;
let view: SynthesisView = { kind: 'synthesis', method: '' };
/** The plan answers by optionsKey: a changed option asks again, an old answer is never shown for new values. */
const plans = new Map<string, CostPlan | { error: string }>();
/** Options whose field holds text that does not fit (Run waits until fixed). */
let optionErrors = new Map<string, string>();
let running = false;
/** What the host said about image paths (names, thumbnails), for the file controls and the side-by-side. */
const files = new Map<string, PickedFile>();

const methodPicker = dropdown<string>([], '', (m) => onMethodChange(m), { id: 'method', title: 'What to synthesize' });
const imagePath = h('span', { id: 'image-path', class: 'image-path' });
const imageButton = button('Choose Image…', () => api.post({ type: 'pickImage' }), { id: 'choose-image', appearance: 'secondary' });
const imageField = field('Input image', h('div', { class: 'image-box' }, imagePath, imageButton));
const optionsBox = h('div', { id: 'method-options', class: 'option-rows' });
const runButton = button('Run', () => run(), { id: 'run', disabled: true });
const stopButton = button('Stop', () => stop(), { id: 'stop', appearance: 'secondary', disabled: true, title: 'End the run now and keep the image so far (Cancel discards it)' });
const planLine = h('span', { id: 'plan', class: 'hint' });
const result = resultView(() => api.post({ type: 'save' }));

replace(
  shell.controls,
  h('div', { class: 'control-row' }, field('Method', methodPicker.element), imageField),
  optionsBox,
  h('div', { class: 'control-row' }, h('div', { class: 'run-box' }, runButton, stopButton, planLine)),
);
replace(shell.content, result.element);
shell.onBusyChange(() => updateButtons());
new MutationObserver(() => result.retheme()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

onHostMessage<SynthesisToWebview>((message) => {
  switch (message.type) {
    case 'busy':
    case 'error':
      shell.common(message);
      return;
    case 'idle':
      shell.common(message);
      if (running) result.ended();
      running = false;
      updateButtons();
      return;
    case 'synthesisInit':
      onInit(message);
      return;
    case 'plan':
      plans.set(optionsKey(message.method, message.options), message.plan);
      renderPlan();
      return;
    case 'planError':
      plans.set(optionsKey(message.method, message.options), { error: message.message });
      renderPlan();
      return;
    case 'filesPicked':
      onFilesPicked(message.method, message.key, message.files);
      return;
    case 'runStarted':
      running = true;
      result.start(message.label ?? methodInfo(message.method)?.label ?? message.method);
      result.sources(sourceThumbs(methodInfo(message.method), message.options, files));
      updateButtons();
      return;
    case 'preview':
      result.preview(message.preview);
      return;
    case 'synthesis':
      running = false;
      result.sources(sourceThumbs(methodInfo(message.result.method), message.result.config.options as OptionValues, files));
      result.result(message.result);
      updateButtons();
      return;
    case 'saved':
      result.saved(message.png, message.json);
      return;
    default:
      unreachable(message);
  }
});
api.post({ type: 'ready' });

function onInit(m: Init): void {
  init = m;
  for (const f of m.files ?? []) files.set(f.path, f);
  view = { ...m.view, method: shownMethod(m.view.method, m.methods) ?? m.view.method };
  shell.setTitle(`Synthesis · ${m.modelName}`, m.imageName, `backend ${m.backend}`);
  methodPicker.setChoices(
    m.methods.map((x) => ({ value: x.name, label: x.label, title: x.hint })),
    view.method,
  );
  imagePath.textContent = m.imagePath || 'none';
  imagePath.title = m.imagePath;
  if (!running) result.clear();
  renderMethod();
  save();
}

const methodInfo = (name = view.method): SynthesisMethodInfo | undefined => init?.methods.find((x) => x.name === name);

function onMethodChange(method: string): void {
  view = { ...view, method };
  saveView();
  renderMethod();
}

/** The option row, image row and plan of the method on show. */
function renderMethod(): void {
  const info = methodInfo();
  show(imageField, needsImage(info) !== false);
  optionErrors = new Map();
  const row = info && optionRow(info, init?.layers ?? [], view.options?.[info.name], init?.optionDefaults[info.name], { onValue: (key, value) => onOption(info.name, key, value), onValidity: (key, error) => onValidity(key, error), files: { pickFile: (key, many) => api.post({ type: 'pickFile', method: info.name, key, many }), fileInfo: (p) => files.get(p) } }, { showMethod: false });
  replace(optionsBox, row ?? null);
  if (info) methodPicker.element.title = info.hint;
  requestPlan();
  updateButtons();
}

/** Picked images go into the method's values (a list: added at the end, weight 1), then the row shows them. */
function onFilesPicked(method: string, key: string, picked: readonly PickedFile[]): void {
  for (const f of picked) files.set(f.path, f);
  const info = methodInfo(method);
  if (!info) return;
  let options = view.options ?? {};
  for (const [k, v] of Object.entries(withPickedFiles(info, options[method], key, picked.map((f) => f.path)))) options = withOption(options, method, k, v);
  view = { ...view, options };
  saveView();
  if (method === view.method) renderMethod();
}

function onOption(method: string, key: string, value: OptionValue | undefined): void {
  view = { ...view, options: withOption(view.options ?? {}, method, key, value) };
  saveView();
  requestPlanSoon();
}

function onValidity(key: string, error: string | undefined): void {
  if (error === undefined) optionErrors.delete(key);
  else optionErrors.set(key, error);
  updateButtons();
}

/** What a run or plan of the method on show sends: the user's valid values (absent: the method's defaults). */
function chosenOptions(): OptionValues {
  return methodRunOptions(methodInfo(), view.options?.[view.method]);
}

let planTimer: ReturnType<typeof setTimeout> | undefined;
function requestPlanSoon(): void {
  clearTimeout(planTimer);
  planTimer = setTimeout(requestPlan, 300);
  renderPlan();
}

function requestPlan(): void {
  if (!methodInfo()) return renderPlan();
  const options = chosenOptions();
  if (!plans.has(optionsKey(view.method, options))) api.post({ type: 'requestPlan', method: view.method, options });
  renderPlan();
}

function renderPlan(): void {
  const plan = methodInfo() ? plans.get(optionsKey(view.method, chosenOptions())) : undefined;
  planLine.textContent = planText(plan, methodInfo() !== undefined);
  planLine.classList.toggle('inline-error', plan !== undefined && 'error' in plan);
}

function blocker(): string | undefined {
  const info = methodInfo();
  return runBlocker({ method: info, needsImage: needsImage(info), hasImage: !!init?.state.image, optionError: optionErrors.values().next().value, busy: shell.busy });
}

function updateButtons(): void {
  const why = blocker();
  runButton.disabled = why !== undefined;
  runButton.title = why ?? 'Run with these options; the image updates while it runs';
  stopButton.disabled = !running;
  imageButton.disabled = shell.busy;
}

function run(): void {
  if (blocker() !== undefined) return;
  shell.clearError();
  api.post({ type: 'run', method: view.method, options: chosenOptions() });
}

function stop(): void {
  if (!running) return;
  stopButton.disabled = true;
  api.post({ type: 'stop' });
}

function saveView(): void {
  save();
  api.post({ type: 'view', view });
}

function save(): void {
  if (init) api.setState({ ...init.state, view });
}
