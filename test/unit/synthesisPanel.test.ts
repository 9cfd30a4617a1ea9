// The Synthesis panel's host side against a scripted engine and a stand-in for the vscode API: the
// ready handshake (methods, layers, defaults), plans, a run with previews, Stop keeping the partial
// image, Cancel discarding it, reloads, Save, and a command's request over an open panel.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineCancelledError } from '../../src/extension/engineErrors';
import type { EngineClient, RequestOptions } from '../../src/extension/engineClient';
import type { PanelServices } from '../../src/extension/panels/panelBase';
import type { Settings } from '../../src/extension/settings';
import type { EngineRequest, ModelInfoResult, SynthesisResult } from '../../src/shared/engineProtocol';
import type { PanelState } from '../../src/shared/webviewProtocol';
import { synthesisInfos, synthesisLayers } from './support/synthesisMethods';

const host = vi.hoisted(() => ({ messages: [] as string[], openDialog: undefined as string | undefined }));

vi.mock('vscode', () => {
  class Uri {
    constructor(readonly fsPath: string) {}
    static file(f: string) {
      return new Uri(f);
    }
    static joinPath(u: Uri, ...parts: string[]) {
      return new Uri([u.fsPath, ...parts].join('/'));
    }
  }
  return {
    Uri,
    ProgressLocation: { Notification: 15 },
    window: {
      withProgress: (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) => task({ report: () => {} }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) }),
      showErrorMessage: async (m: string) => void host.messages.push(`error: ${m}`),
      showInformationMessage: async (m: string) => void host.messages.push(`info: ${m}`),
      showOpenDialog: async () => (host.openDialog ? [Uri.file(host.openDialog)] : undefined),
    },
    workspace: { workspaceFolders: undefined, asRelativePath: (p: string) => p },
    commands: { executeCommand: async () => undefined },
  };
});

const { SynthesisPanel } = await import('../../src/extension/panels/synthesisPanel');

type Msg = { type: string; [k: string]: unknown };
let activity = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits until neither the fake webview nor the fake engine has moved for a while. */
async function flush(): Promise<void> {
  let seen = -1;
  let quiet = 0;
  while (quiet < 3) {
    await sleep(10);
    if (activity === seen) quiet++;
    else [seen, quiet] = [activity, 0];
  }
}

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
  return { panel, posted, send: (m: Msg) => receive(m), types: () => posted.filter((m) => m.type !== 'busy' || m.fraction === undefined).map((m) => m.type) };
}

const info: ModelInfoResult = { file: '/m/model.json', kind: 'layers', inputShape: { height: 28, width: 28, channels: 1 }, numClasses: 10, hideClasses: false, layers: synthesisLayers, backend: 'cpu', synthesisMethods: synthesisInfos };

function synthesisResult(p: Record<string, unknown>, stopped: boolean, steps: number): SynthesisResult {
  return {
    method: p.method as string,
    pngBase64: Buffer.from(stopped ? 'partial image' : 'final image').toString('base64'),
    width: 4,
    height: 4,
    curve: Array.from({ length: steps }, (_, step) => ({ step, total: step, terms: { 'layer L2': step } })),
    details: { steps },
    config: { command: p.method as string, model: p.model as string, modelSha256: 'abc', image: p.image as string | undefined, options: (p.options ?? {}) as Record<string, number> },
    warnings: stopped ? [] : ['a warning'],
    stopped,
    elapsedMs: 3,
    backend: 'cpu',
  };
}

/**
 * The engine: model info, plans, and a synthesis that sends two previews and then either finishes,
 * or (with `holdRuns`) waits for a stop (answers the partial result) or a cancel (rejects).
 */
function fakeEngine(options: { holdRuns?: boolean } = {}) {
  const requests: { method: string; params: Record<string, unknown> }[] = [];
  const stops: string[] = [];
  const waiting = new Map<string, () => void>();
  let jobs = 0;
  const engine = {
    start: async () => ({ backend: 'fake' }),
    stop: async (job: { jobId: string }) => {
      stops.push(job.jobId);
      const resume = waiting.get(job.jobId);
      resume?.();
      return resume !== undefined;
    },
    request: async <P extends object, R>(type: EngineRequest<P, R>, params: P, o: RequestOptions = {}): Promise<R> => {
      activity++;
      const p = params as Record<string, unknown>;
      requests.push({ method: type.method, params: p });
      if (type.method === 'model/info') return info as R;
      if (type.method === 'synthesis/plan' && p.method === 'visualize' && !(p.options as Record<string, unknown>).target) throw new Error('say what to visualize');
      if (type.method === 'synthesis/plan') return { forwardPasses: 1, backwardPasses: 1, summary: `plan of ${p.method} ${JSON.stringify(p.options)}` } as R;
      if (type.method !== 'synthesis/run') throw new Error(`no answer for ${type.method}`);
      const jobId = `job-${++jobs}`;
      o.onJob?.({ jobId });
      o.onPreview?.({ jobId, pngBase64: 'cHJldmlldzE=', scalars: { total: 1, 'layer L2': 1 }, step: 1, of: 5 });
      o.onPreview?.({ jobId, pngBase64: 'cHJldmlldzI=', scalars: { total: 2, 'layer L2': 2 }, step: 2, of: 5 });
      if (!options.holdRuns) return synthesisResult(p, false, 5) as R;
      const stopped = await new Promise<boolean>((resolve, reject) => {
        waiting.set(jobId, () => resolve(true));
        o.signal?.addEventListener('abort', () => reject(new EngineCancelledError()));
      });
      return synthesisResult(p, stopped, 2) as R;
    },
  };
  return { engine: engine as unknown as EngineClient, requests, stops };
}

const settings: Settings = { defaultModel: '', backend: 'auto', colormap: 'magma', methodSetting: () => undefined };
const services = (engine: EngineClient): PanelServices => ({ engine, extensionUri: { fsPath: '/ext' } as never, log: () => {}, settings: () => settings });

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'convscope-synth-panel-'));
  host.messages = [];
  host.openDialog = undefined;
});

function open(state: Partial<PanelState> = {}, engineOptions: { holdRuns?: boolean } = {}) {
  const fake = fakeEngine(engineOptions);
  const w = fakePanel();
  const full: PanelState = { kind: 'synthesis', model: '/m/model.json', image: path.join(dir, 'cat.png'), ...state };
  const panel = new SynthesisPanel(w.panel as never, services(fake.engine), full, () => {});
  return { ...fake, w, panel };
}

describe('synthesis panel', () => {
  it('answers ready with the engine’s methods, the channel layers and each method’s schema defaults', async () => {
    const { w, requests } = open();
    w.send({ type: 'ready' });
    await flush();
    expect(w.types()).toEqual(['busy', 'synthesisInit', 'idle']);
    const init = w.posted.find((m) => m.type === 'synthesisInit') as unknown as { methods: { name: string }[]; layers: { name: string }[]; optionDefaults: Record<string, unknown>; view: unknown; imageName: string };
    expect(init.methods.map((m) => m.name)).toEqual(['visualize', 'invert', 'dream']);
    expect(init.layers.map((l) => l.name)).toEqual(['conv1', 'bn1', 'mixed', 'conv2', 'dense']);
    expect(init.optionDefaults.dream).toEqual({ layers: ['conv2'], octaves: 4, octaveScale: 1.4, steps: 20, seed: 0 });
    expect(init.optionDefaults.visualize).not.toHaveProperty('target');
    expect(init.view).toEqual({ kind: 'synthesis', method: 'dream' });
    expect(init.imageName).toBe('cat.png');
    expect(requests.map((r) => r.method)).toEqual(['model/info']);
  });

  it('plans with the values it is asked for, echoes them, and sends the image only to methods that read one', async () => {
    const { w, requests } = open();
    w.send({ type: 'ready' });
    await flush();
    w.send({ type: 'requestPlan', method: 'dream', options: { steps: 3 } });
    w.send({ type: 'requestPlan', method: 'visualize', options: { target: 2 } });
    await flush();
    const plans = requests.filter((r) => r.method === 'synthesis/plan').map((r) => r.params);
    expect(plans[0]).toMatchObject({ model: '/m/model.json', method: 'dream', image: path.join(dir, 'cat.png'), options: { steps: 3 } });
    expect(plans[1]).toMatchObject({ method: 'visualize', options: { target: 2 } });
    expect(plans[1]!.image).toBeUndefined();
    expect(w.posted.filter((m) => m.type === 'plan').map((m) => [m.method, m.options])).toEqual([
      ['dream', { steps: 3 }],
      ['visualize', { target: 2 }],
    ]);
    // A cost the engine refuses says why, next to the cost (no error banner), and is asked again next time.
    w.send({ type: 'requestPlan', method: 'visualize', options: {} });
    w.send({ type: 'requestPlan', method: 'visualize', options: {} });
    await flush();
    expect(w.posted.filter((m) => m.type === 'planError')).toEqual([
      { type: 'planError', method: 'visualize', options: {}, message: 'say what to visualize' },
      { type: 'planError', method: 'visualize', options: {}, message: 'say what to visualize' },
    ]);
    expect(w.types()).not.toContain('error');
  });

  it('a run forwards the previews and then the result; a reloading webview gets the result again without engine work', async () => {
    const { w, requests, panel } = open();
    w.send({ type: 'ready' });
    await flush();
    w.posted.length = 0;
    w.send({ type: 'run', method: 'dream', options: { steps: 5, layers: ['conv1'] } });
    await flush();
    expect(w.types()).toEqual(['busy', 'runStarted', 'preview', 'preview', 'synthesis', 'idle']);
    const previews = w.posted.filter((m) => m.type === 'preview').map((m) => m.preview);
    expect(previews).toEqual([
      { pngBase64: 'cHJldmlldzE=', scalars: { total: 1, 'layer L2': 1 }, step: 1, of: 5 },
      { pngBase64: 'cHJldmlldzI=', scalars: { total: 2, 'layer L2': 2 }, step: 2, of: 5 },
    ]);
    expect(requests.at(-1)).toMatchObject({ method: 'synthesis/run', params: { method: 'dream', image: path.join(dir, 'cat.png'), options: { steps: 5, layers: ['conv1'] } } });
    expect(panel.state.view).toMatchObject({ kind: 'synthesis', method: 'dream' });
    const before = requests.length;
    w.posted.length = 0;
    w.send({ type: 'ready' });
    await flush();
    expect(requests.length).toBe(before);
    expect(w.types()).toEqual(['synthesisInit', 'synthesis']);
  });

  it('Stop ends the running job through the engine and the partial image is shown as the result; Cancel discards', async () => {
    const { w, stops } = open({}, { holdRuns: true });
    w.send({ type: 'ready' });
    await flush();
    w.posted.length = 0;
    w.send({ type: 'run', method: 'dream', options: {} });
    await flush();
    expect(w.types()).toEqual(['busy', 'runStarted', 'preview', 'preview']);
    // The webview reloads meanwhile (a hidden tab shown again): it learns that a run is going on.
    w.posted.length = 0;
    w.send({ type: 'ready' });
    await flush();
    expect(w.types()).toEqual(['synthesisInit', 'runStarted']);
    w.send({ type: 'stop' });
    await flush();
    expect(stops).toEqual(['job-1']);
    const result = w.posted.find((m) => m.type === 'synthesis')?.result as SynthesisResult;
    expect(result.stopped).toBe(true);
    expect(Buffer.from(result.pngBase64, 'base64').toString()).toBe('partial image');
    expect(w.types().slice(-2)).toEqual(['synthesis', 'idle']);
    // A second run, cancelled: no result, 'Cancelled.', and Stop has nothing to stop afterwards.
    w.posted.length = 0;
    w.send({ type: 'run', method: 'dream', options: {} });
    await flush();
    w.send({ type: 'cancel' });
    await flush();
    expect(w.types()).not.toContain('synthesis');
    expect(w.posted.slice(-2)).toEqual([{ type: 'error', message: 'Cancelled.' }, { type: 'idle' }]);
    w.send({ type: 'stop' });
    await flush();
    expect(stops).toEqual(['job-1']);
  });

  it('Save writes the PNG and its config next to the image, once per result, never over a file', async () => {
    const { w } = open();
    w.send({ type: 'ready' });
    await flush();
    w.send({ type: 'save' });
    await flush();
    expect(w.posted.at(-1)).toEqual({ type: 'error', message: 'Nothing to save: run a synthesis first.' });
    w.send({ type: 'run', method: 'dream', options: { steps: 5 } });
    await flush();
    w.send({ type: 'save' });
    await flush();
    const saved = w.posted.filter((m) => m.type === 'saved');
    expect(saved).toEqual([{ type: 'saved', png: path.join(dir, 'cat-dream.png'), json: path.join(dir, 'cat-dream.json') }]);
    expect(readFileSync(path.join(dir, 'cat-dream.png'), 'utf8')).toBe('final image');
    expect(JSON.parse(readFileSync(path.join(dir, 'cat-dream.json'), 'utf8'))).toMatchObject({ command: 'dream', options: { steps: 5 } });
    w.send({ type: 'save' });
    await flush();
    expect(existsSync(path.join(dir, 'cat-dream-2.png'))).toBe(false);
    expect(host.messages.at(-1)).toMatch(/already saved as/);
    // A new result of the same image gets the next free name.
    w.send({ type: 'run', method: 'dream', options: { steps: 5 } });
    await flush();
    w.send({ type: 'save' });
    await flush();
    expect(w.posted.filter((m) => m.type === 'saved').at(-1)).toMatchObject({ png: path.join(dir, 'cat-dream-2.png') });
  });

  it("a command's request goes over the open panel's choices; another image from the dialog re-initialises the panel", async () => {
    const { w, panel } = open({ view: { kind: 'synthesis', method: 'visualize', options: { visualize: { target: 3, steps: 9 } } } });
    w.send({ type: 'ready' });
    await flush();
    await panel.showRequest({ method: 'visualize', options: { target: undefined, layer: 'conv2', channel: 5 } }, undefined);
    await flush();
    const init = w.posted.filter((m) => m.type === 'synthesisInit').at(-1) as unknown as { view: unknown };
    expect(init.view).toEqual({ kind: 'synthesis', method: 'visualize', options: { visualize: { steps: 9, layer: 'conv2', channel: 5 } } });
    host.openDialog = path.join(dir, 'dog.jpg');
    w.send({ type: 'pickImage' });
    await flush();
    expect(panel.state.image).toBe(path.join(dir, 'dog.jpg'));
    expect((w.posted.filter((m) => m.type === 'synthesisInit').at(-1) as unknown as { imageName: string }).imageName).toBe('dog.jpg');
  });
});
