// The host side of the three panels against a scripted engine and a stand-in for the vscode API:
// the ready handshake, what each intent asks of the engine, caching across webview reloads,
// cancel and superseded jobs, export files.
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineCancelledError } from '../../src/extension/engineErrors';
import type { EngineClient, RequestOptions } from '../../src/extension/engineClient';
import type { PanelServices } from '../../src/extension/panels/panelBase';
import type { Settings } from '../../src/extension/settings';
import type { ActivationsResult, EngineRequest, FiltersResult, LayerInfo, ModelInfoResult, SaliencyParams, SaliencyResult } from '../../src/shared/engineProtocol';
import type { PanelState } from '../../src/shared/webviewProtocol';
import { methodInfo, optionDefaults } from '../../src/engine/methods/descriptor';
import { attributionMethods } from '../../src/engine/methods/catalog';
import type { LoadedModel } from '../../src/engine/model/loadedModel';

const host = vi.hoisted(() => ({ workspace: '', messages: [] as string[] }));

vi.mock('vscode', async () => {
  const fs = await import('node:fs');
  const p = await import('node:path');
  class Uri {
    constructor(readonly fsPath: string) {}
    static file(f: string) {
      return new Uri(f);
    }
    static joinPath(u: Uri, ...parts: string[]) {
      return new Uri(p.join(u.fsPath, ...parts));
    }
  }
  const folder = () => (host.workspace ? { uri: Uri.file(host.workspace), name: 'ws', index: 0 } : undefined);
  return {
    Uri,
    ProgressLocation: { Notification: 15 },
    window: {
      withProgress: (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) => task({ report: () => {} }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) }),
      showErrorMessage: async (m: string) => void host.messages.push(`error: ${m}`),
      showInformationMessage: async (m: string) => void host.messages.push(`info: ${m}`),
    },
    workspace: {
      get workspaceFolders() {
        const f = folder();
        return f ? [f] : undefined;
      },
      getWorkspaceFolder: () => folder(),
      fs: {
        createDirectory: async (u: Uri) => void fs.mkdirSync(u.fsPath, { recursive: true }),
        writeFile: async (u: Uri, b: Uint8Array) => fs.writeFileSync(u.fsPath, b),
      },
    },
    commands: { executeCommand: async () => undefined },
  };
});

const { FiltersPanel } = await import('../../src/extension/panels/filtersPanel');
const { ActivationsPanel } = await import('../../src/extension/panels/activationsPanel');
const { SaliencyPanel } = await import('../../src/extension/panels/saliencyPanel');

type Msg = { type: string; [k: string]: unknown };

/** A webview panel: records what the host posts, lets a test send what the webview would. */
function fakePanel() {
  let receive: (m: unknown) => void = () => {};
  let disposed: () => void = () => {};
  const posted: Msg[] = [];
  const panel = {
    title: 't',
    webview: {
      options: {},
      html: '',
      cspSource: 'vscode-resource:',
      asWebviewUri: (u: unknown) => u,
      postMessage: async (m: Msg) => void (activity++, posted.push(m)),
      onDidReceiveMessage: (l: (m: unknown) => void) => ((receive = l), { dispose() {} }),
    },
    onDidDispose: (l: () => void) => ((disposed = l), { dispose() {} }),
    reveal() {},
    dispose() {
      disposed();
    },
  };
  // Progress 'busy' lines are throttled by time: the sequences below leave them out.
  return { panel, posted, send: (m: Msg) => receive(m), types: () => posted.filter((m) => m.type !== 'busy' || m.fraction === undefined).map((m) => m.type) };
}

/** An engine that answers from a table, records requests, and can be told to hang until aborted. */
function fakeEngine(answers: Record<string, (params: Record<string, unknown>) => unknown>) {
  const requests: { method: string; params: Record<string, unknown> }[] = [];
  const hang = new Set<string>();
  let started = 0;
  const engine = {
    /** Panels start the engine early, while their webview loads. */
    start: async () => {
      started++;
      return { backend: 'fake' };
    },
    get starts() {
      return started;
    },
    request: async <P extends object, R>(type: EngineRequest<P, R>, params: P, options: RequestOptions = {}): Promise<R> => {
      const method = type.method;
      activity++;
      requests.push({ method, params: params as Record<string, unknown> });
      if (hang.has(method)) {
        await new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(new EngineCancelledError())));
      }
      options.onProgress?.({ jobId: 'j', fraction: 0.5, message: 'half way' });
      const answer = answers[method];
      if (!answer) throw new Error(`no answer for ${method}`);
      return answer(params as Record<string, unknown>) as R;
    },
  };
  return { engine: engine as unknown as EngineClient, requests, hang };
}

const methodSettings: Record<string, number> = { 'convscope.occlusion.window': 16, 'convscope.occlusion.stride': 8, 'convscope.smoothGrad.samples': 10, 'convscope.integratedGradients.steps': 20 };
const settings: Settings = { defaultModel: '', backend: 'auto', colormap: 'magma', methodSetting: (key) => methodSettings[key] };
const layer = (name: string, type: string, outputShape: number[], isConv = false): LayerInfo => ({ name, type, outputShape, params: 0, isConv });
const fakeModel = { inputShape: { height: 28, width: 28, channels: 1 }, layers: [layer('input', 'InputLayer', [28, 28, 1]), layer('conv1', 'Conv2D', [26, 26, 4], true), layer('conv2', 'Conv2D', [24, 24, 8], true), layer('dense', 'Dense', [10])] };
const info = (hideClasses: boolean): ModelInfoResult => ({
  file: '/m/model.json',
  kind: 'layers',
  inputShape: fakeModel.inputShape,
  numClasses: 10,
  hideClasses,
  layers: fakeModel.layers,
  backend: 'cpu',
  // As the engine sends them: the registered descriptors, each with its cost at its defaults.
  methods: attributionMethods().map((d) => ({ ...methodInfo(d), defaultCost: d.cost(optionDefaults(d), fakeModel as unknown as LoadedModel) })),
});
const saliencyResult = (p: Record<string, unknown>): SaliencyResult => ({
  method: p.method as SaliencyResult['method'],
  target: (p.target as { kind: string }).kind === 'neuron' ? (p.target as SaliencyResult['target']) : { kind: 'class', index: 3 },
  overlayPng: Buffer.from('engine overlay').toString('base64'),
  heatmapPng: 'aGVhdA==',
  signedMap: false,
  map: { shape: [2, 2], data: [0, 0.5, 1, 0.25] },
  details: { passes: 1 },
  warnings: [],
  elapsedMs: 5,
  backend: 'cpu',
});
const answers = (hideClasses = false) => ({
  'model/info': () => info(hideClasses),
  'model/predict': () => ({ top: [{ index: 3, label: 'three', probability: 0.9, logit: 4 }], backend: 'cpu' }),
  'model/filters': (p: Record<string, unknown>): FiltersResult => ({ layer: (p.layer as string) ?? 'conv1', kernelShape: [3, 3, 1, 4], rgb: false, mode: (p.mode as FiltersResult['mode']) ?? 'auto', png: 'Z3JpZA==', tiles: ['a', 'b', 'c', 'd'], backend: 'cpu' }),
  'model/activations': (p: Record<string, unknown>): ActivationsResult => ({ layer: p.layer as string, shape: [1, 26, 26, 4], channels: [0, 1, 2, 3].map((c) => ({ channel: c, mean: c / 10, max: c, png: 'cG5n' })), backend: 'cpu' }),
  'saliency/plan': (p: Record<string, unknown>) => ({ forwardPasses: 1, backwardPasses: 1, summary: `plan of ${p.method}` }),
  'saliency/run': saliencyResult,
});

/** Every message any fake webview got, and every engine request: flush() waits until both stop moving. */
let activity = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function flush(): Promise<void> {
  let seen = -1;
  let quiet = 0;
  while (quiet < 3) {
    await sleep(10);
    if (activity === seen) quiet++;
    else [seen, quiet] = [activity, 0];
  }
}
const services = (engine: EngineClient): PanelServices => ({ engine, extensionUri: { fsPath: '/ext' } as never, log: () => {}, settings: () => settings });

beforeEach(() => {
  host.workspace = mkdtempSync(path.join(tmpdir(), 'convscope-ws-'));
  host.messages = [];
});
afterEach(() => vi.clearAllMocks());

describe('filters panel', () => {
  it('answers ready with the conv layers and the grid, and a reload without engine work', async () => {
    const { engine, requests } = fakeEngine(answers());
    const w = fakePanel();
    const state: PanelState = { kind: 'filters', model: '/m/model.json' };
    const p = new FiltersPanel(w.panel as never, services(engine), state, () => {});
    // The engine is started as soon as the panel exists, before the webview says it is ready.
    expect((engine as unknown as { starts: number }).starts).toBe(1);
    w.send({ type: 'ready' });
    await flush();
    expect(w.types()).toEqual(['busy', 'filtersInit', 'filters', 'idle']);
    const init = w.posted.find((m) => m.type === 'filtersInit') as unknown as { layers: LayerInfo[]; view: unknown };
    expect(init.layers.map((l) => l.name)).toEqual(['conv1', 'conv2']);
    expect(init.view).toEqual({ kind: 'filters', mode: 'auto' });
    expect(p.state.layer).toBe('conv1'); // the engine's default, remembered
    w.posted.length = 0;
    const before = requests.length;
    w.send({ type: 'ready' });
    await flush();
    expect(requests.length).toBe(before);
    expect(w.types()).toEqual(['filtersInit', 'filters']);
    w.send({ type: 'showFilters', layer: 'conv2', mode: 'per-input' });
    await flush();
    expect(requests.at(-1)).toEqual({ method: 'model/filters', params: { model: '/m/model.json', layer: 'conv2', mode: 'per-input' } });
    expect(p.state).toMatchObject({ layer: 'conv2', view: { kind: 'filters', mode: 'per-input' } });
    w.send({ type: 'view', view: { kind: 'filters', mode: 'per-input', filter: 2 } });
    expect(p.state.view).toEqual({ kind: 'filters', mode: 'per-input', filter: 2 });
  });
});

describe('activations panel', () => {
  it('loads the asked layer, the selected channel’s neuron saliency, and drops a superseded job silently', async () => {
    const { engine, requests, hang } = fakeEngine(answers());
    const w = fakePanel();
    const p = new ActivationsPanel(w.panel as never, services(engine), { kind: 'activations', model: '/m/model.json', image: '/w/cat.png', layer: 'conv2', channel: 1 }, () => {});
    w.send({ type: 'ready' });
    await flush();
    expect(w.types()).toEqual(['busy', 'activationsInit', 'activations', 'neuronSaliency', 'idle']);
    expect(requests.map((r) => r.method)).toEqual(['model/info', 'model/activations', 'saliency/run']);
    expect(requests[2]!.params).toMatchObject({ method: 'guided', target: { kind: 'neuron', layer: 'conv2', channel: 1 }, colormap: 'magma' });
    // A slow neuron job replaced by another: no 'Cancelled.' and one idle at the end.
    w.posted.length = 0;
    hang.add('saliency/run');
    w.send({ type: 'neuronSaliency', layer: 'conv2', channel: 2, method: 'vanilla' });
    await flush();
    hang.clear();
    w.send({ type: 'neuronSaliency', layer: 'conv2', channel: 3, method: 'vanilla' });
    await flush();
    await flush();
    expect(w.posted.filter((m) => m.type === 'error')).toEqual([]);
    expect(w.types().filter((t) => t === 'idle')).toHaveLength(1);
    expect(w.posted.find((m) => m.type === 'neuronSaliency')).toMatchObject({ channel: 3, method: 'vanilla' });
    expect(p.state).toMatchObject({ channel: 3, view: { neuronMethod: 'vanilla' } });
  });

  it('shows a cancel as such', async () => {
    const { engine, hang } = fakeEngine(answers());
    const w = fakePanel();
    new ActivationsPanel(w.panel as never, services(engine), { kind: 'activations', model: '/m/model.json', image: '/w/cat.png' }, () => {});
    hang.add('model/activations');
    w.send({ type: 'ready' });
    await flush();
    w.send({ type: 'cancel' });
    await flush();
    expect(w.posted.slice(-2)).toEqual([{ type: 'error', message: 'Cancelled.' }, { type: 'idle' }]);
  });

  it('says so when there is no image', async () => {
    const { engine } = fakeEngine(answers());
    const w = fakePanel();
    new ActivationsPanel(w.panel as never, services(engine), { kind: 'activations', model: '/m/model.json' }, () => {});
    w.send({ type: 'ready' });
    await flush();
    expect(w.posted.find((m) => m.type === 'error')?.message).toMatch(/No image/);
  });
});

describe('saliency panel', () => {
  it('opens on the top class with the setting’s colormap and runs the cheap default method', async () => {
    const { engine, requests } = fakeEngine(answers());
    const w = fakePanel();
    new SaliencyPanel(w.panel as never, services(engine), { kind: 'saliency', model: '/m/model.json', image: '/w/cat.png' }, () => {});
    w.send({ type: 'ready' });
    await flush();
    expect(requests.map((r) => r.method)).toEqual(['model/info', 'model/predict', 'saliency/run']);
    const init = w.posted.find((m) => m.type === 'saliencyInit') as unknown as { predictions: unknown[]; view: unknown; layers: LayerInfo[]; methods: { name: string; label: string }[] };
    expect(init.predictions).toHaveLength(1);
    expect(init.view).toEqual({ kind: 'saliency', methods: ['vanilla'], opacity: 0.5, colormap: 'magma' });
    expect(init.layers.map((l) => l.name)).toEqual(['conv1', 'conv2', 'dense']);
    expect(init.methods.map((m) => m.name)).toEqual(attributionMethods().map((d) => d.name));
    expect(init.methods.find((m) => m.name === 'occlusion')?.label).toBe('Occlusion');
    expect(requests[2]!.params).toMatchObject({ method: 'vanilla', target: { kind: 'class' }, options: {}, colormap: 'magma', opacity: 0.5 });
    expect(w.types().slice(-3)).toEqual(['runStarted', 'saliency', 'idle']);
  });

  it('hides classes: no prediction asked, no labels', async () => {
    const { engine, requests } = fakeEngine(answers(true));
    const w = fakePanel();
    new SaliencyPanel(w.panel as never, services(engine), { kind: 'saliency', model: '/m/model.json', image: '/w/cat.png' }, () => {});
    w.send({ type: 'ready' });
    await flush();
    expect(requests.map((r) => r.method)).not.toContain('model/predict');
    expect(w.posted.find((m) => m.type === 'saliencyInit')).toMatchObject({ predictions: [], hideClasses: true });
  });

  it('compares methods with the settings’ options and scaled progress, then exports what was shown', async () => {
    const { engine, requests } = fakeEngine(answers());
    const w = fakePanel();
    const image = path.join(host.workspace, 'photos', 'cat.png');
    new SaliencyPanel(w.panel as never, services(engine), { kind: 'saliency', model: '/m/model.json', image, view: { kind: 'saliency', methods: ['occlusion'], opacity: 0.5, colormap: 'auto' } }, () => {});
    w.send({ type: 'ready' });
    await flush();
    expect(requests.map((r) => r.method)).toEqual(['model/info', 'model/predict']); // occlusion is not run unasked
    w.posted.length = 0;
    w.send({ type: 'run', methods: ['smoothgrad', 'occlusion'], target: { kind: 'class', index: 3 }, colormap: 'auto', opacity: 0.7 });
    await flush();
    const runs = requests.filter((r) => r.method === 'saliency/run').map((r) => r.params as unknown as SaliencyParams);
    expect(runs.map((r) => [r.method, r.options, r.colormap, r.opacity])).toEqual([
      ['smoothgrad', { samples: 10 }, undefined, 0.7],
      ['occlusion', { window: 16, stride: 8 }, undefined, 0.7],
    ]);
    expect(w.posted.filter((m) => m.type === 'saliency').map((m) => [m.index, m.count])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(w.posted.find((m) => m.type === 'runStarted')).toEqual({ type: 'runStarted', methods: ['smoothgrad', 'occlusion'], target: { kind: 'class', index: 3 } });

    const shownPng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('composited')]);
    w.send({ type: 'export', format: 'png', method: 'occlusion', overlayPng: shownPng.toString('base64'), opacity: 0.3 });
    w.send({ type: 'export', format: 'json', method: 'occlusion', opacity: 0.3 });
    await flush();
    await flush();
    const dir = path.join(host.workspace, 'convscope-exports');
    expect(readFileSync(path.join(dir, 'cat-occlusion.png'))).toEqual(shownPng);
    const json = JSON.parse(readFileSync(path.join(dir, 'cat-occlusion.json'), 'utf8'));
    expect(json).toMatchObject({ method: 'occlusion', image, target: { kind: 'class', index: 3 }, map: { shape: [2, 2], data: [0, 0.5, 1, 0.25] }, opacity: 0.3, colormap: 'auto' });
    // The two exports run concurrently: each is answered once, in whichever order they finish.
    const exported = w.posted.filter((m) => m.type === 'exported') as unknown as Array<{ format: string }>;
    expect([...exported].sort((a, b) => a.format.localeCompare(b.format))).toEqual([
      { type: 'exported', format: 'json', path: path.join(dir, 'cat-occlusion.json') },
      { type: 'exported', format: 'png', path: path.join(dir, 'cat-occlusion.png') },
    ]);
    expect(host.messages).toContain('info: ConvScope: exported convscope-exports/cat-occlusion.png');

    // Not PNG bytes from the webview: the engine's overlay is written instead.
    w.send({ type: 'export', format: 'png', method: 'smoothgrad', overlayPng: Buffer.from('<svg/>').toString('base64') });
    await flush();
    expect(readFileSync(path.join(dir, 'cat-smoothgrad.png')).toString()).toBe('engine overlay');
    // A method not run: an error, nothing written.
    w.send({ type: 'export', format: 'png', method: 'gradcam' });
    await flush();
    expect(w.posted.at(-1)).toEqual({ type: 'error', message: 'Nothing to export: run gradcam first.' });
    expect(existsSync(path.join(dir, 'cat-gradcam.png'))).toBe(false);
  });

  it('sends each method’s effective option defaults, and the panel’s changed values over the settings to the engine', async () => {
    const { engine, requests } = fakeEngine(answers());
    const w = fakePanel();
    new SaliencyPanel(w.panel as never, services(engine), { kind: 'saliency', model: '/m/model.json', image: '/w/cat.png', view: { kind: 'saliency', methods: ['occlusion'], opacity: 0.5, colormap: 'auto' } }, () => {});
    w.send({ type: 'ready' });
    await flush();
    const init = w.posted.find((m) => m.type === 'saliencyInit') as unknown as { optionDefaults: Record<string, Record<string, unknown>> };
    expect(init.optionDefaults.occlusion).toEqual({ window: 16, stride: 8, baseline: 0, output: 'logit' }); // settings over schema defaults
    expect(init.optionDefaults.gradcam).toEqual({}); // its layer has no default: the model decides
    // A changed value reaches the cost request (so the cost line follows) and the run, over the settings.
    w.send({ type: 'requestPlans', methods: ['occlusion'], options: { occlusion: { window: 4, output: 'probability' } } });
    await flush();
    const plan = requests.filter((r) => r.method === 'saliency/plan').at(-1)!;
    expect(plan.params.options).toEqual({ window: 4, stride: 8, output: 'probability' });
    w.send({ type: 'run', methods: ['occlusion', 'gradcam'], target: { kind: 'class' }, colormap: 'auto', opacity: 0.5, options: { occlusion: { window: 4 }, gradcam: { layer: 'conv1' } } });
    await flush();
    const runs = requests.filter((r) => r.method === 'saliency/run').map((r) => r.params as unknown as SaliencyParams);
    expect(runs.map((r) => [r.method, r.options])).toEqual([
      ['occlusion', { window: 4, stride: 8 }],
      ['gradcam', { layer: 'conv1' }],
    ]);
    // Kept in the panel's view, so a reload shows them and an unasked run uses them.
    w.send({ type: 'ready' });
    await flush();
    expect((w.posted.filter((m) => m.type === 'saliencyInit').at(-1) as unknown as { view: { options: unknown } }).view.options).toEqual({ occlusion: { window: 4 }, gradcam: { layer: 'conv1' } });
  });

  it('replays the comparison to a reloaded webview, and answers plans from a cache without cancelling a run', async () => {
    const { engine, requests, hang } = fakeEngine(answers());
    const w = fakePanel();
    new SaliencyPanel(w.panel as never, services(engine), { kind: 'saliency', model: '/m/model.json', image: '/w/cat.png' }, () => {});
    w.send({ type: 'ready' });
    await flush();
    const count = requests.length;
    w.posted.length = 0;
    w.send({ type: 'ready' });
    await flush();
    expect(requests.length).toBe(count);
    expect(w.types()).toEqual(['saliencyInit', 'runStarted', 'saliency']);

    hang.add('saliency/run');
    w.send({ type: 'run', methods: ['gradcam'], target: { kind: 'class' }, colormap: 'gray', opacity: 0.5 });
    await flush();
    w.send({ type: 'requestPlans', methods: ['smoothgrad', 'vanilla'] });
    w.send({ type: 'requestPlans', methods: ['smoothgrad'] });
    await flush();
    expect(requests.filter((r) => r.method === 'saliency/plan').map((r) => [r.params.method, r.params.options])).toEqual([
      ['smoothgrad', { samples: 10 }],
      ['vanilla', {}],
    ]);
    expect(w.posted.filter((m) => m.type === 'plan').map((m) => m.method).sort()).toEqual(['smoothgrad', 'smoothgrad', 'vanilla']);
    expect(w.types()).not.toContain('idle'); // the run goes on
    w.send({ type: 'cancel' });
    await flush();
    expect(w.posted.slice(-2)).toEqual([{ type: 'error', message: 'Cancelled.' }, { type: 'idle' }]);
  });

  it('posts nothing once the panel is closed', async () => {
    const { engine, hang } = fakeEngine(answers());
    const w = fakePanel();
    const p = new SaliencyPanel(w.panel as never, services(engine), { kind: 'saliency', model: '/m/model.json', image: '/w/cat.png' }, () => {});
    hang.add('model/info');
    w.send({ type: 'ready' });
    await flush();
    const n = w.posted.length;
    p.dispose();
    await flush();
    expect(w.posted.length).toBe(n);
  });
});
