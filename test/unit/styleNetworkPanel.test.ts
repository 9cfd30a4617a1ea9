// The Synthesis panel on a style network (host side, against a stand-in for the vscode API and a
// fake engine): it offers the fast style method alone without reading the network as a model; a
// command's pick shows the photo through it at once (style/apply, beside the photo); Run applies it
// again; training streams previews, Stop reaches the engine's job, and the result has the curve.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { EngineClient, JobHandle } from '../../src/extension/engineClient';
import type { PanelServices } from '../../src/extension/panels/panelBase';
import type { Settings } from '../../src/extension/settings';
import type { EngineRequest, PreviewParams, StyleApplyResult, StyleTrainResult } from '../../src/shared/engineProtocol';
import type { PanelState } from '../../src/shared/webviewProtocol';

const host = vi.hoisted(() => ({ folders: [] as string[] }));

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
      showErrorMessage: async () => undefined,
      showInformationMessage: async () => undefined,
    },
    workspace: {
      get workspaceFolders() {
        return host.folders.map((f) => ({ uri: Uri.file(f) }));
      },
      asRelativePath: (p: string) => path.basename(p),
    },
    commands: { executeCommand: async () => undefined },
  };
});

const { SynthesisPanel } = await import('../../src/extension/panels/synthesisPanel');

type Msg = { type: string; [k: string]: unknown };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settings: Settings = { defaultModel: '', backend: 'auto', colormap: 'magma', methodSetting: () => undefined };
let ws = '';
let network = '';
let photo = '';

beforeAll(() => {
  ws = mkdtempSync(path.join(tmpdir(), 'convscope-stylepanel-'));
  host.folders = [ws];
  mkdirSync(path.join(ws, 'style-scream'));
  network = path.join(ws, 'style-scream/model.json');
  writeFileSync(network, '{}');
  writeFileSync(path.join(ws, 'style-scream/model.convscope.json'), JSON.stringify({ styleNetwork: { style: 'scream.jpg', stepsDone: 2000 } }));
  photo = path.join(ws, 'cat.png');
  writeFileSync(photo, Buffer.from('89504e470d0a1a0a', 'hex'));
});

const applied: StyleApplyResult = { pngBase64: 'AAAA', width: 64, height: 48, milliseconds: 12, style: 'scream.jpg', stepsDone: 2000, backend: 'wasm' };

function open(state: Partial<PanelState>) {
  const requests: { method: string; params: Record<string, unknown> }[] = [];
  const stops: JobHandle[] = [];
  let trainDone: (r: StyleTrainResult) => void = () => {};
  let trainPreview: (p: PreviewParams) => void = () => {};
  const engine = {
    start: async () => ({ backend: 'wasm' }),
    stop: async (job: JobHandle) => (stops.push(job), true),
    request: async <P extends object, R>(type: EngineRequest<P, R>, params: P, o: { onJob?: (j: JobHandle) => void; onPreview?: (p: PreviewParams) => void } = {}): Promise<R> => {
      requests.push({ method: type.method, params: params as Record<string, unknown> });
      if (type.method === 'style/apply') return applied as R;
      if (type.method === 'style/train') {
        o.onJob?.({ jobId: 'j1' } as unknown as JobHandle);
        trainPreview = o.onPreview!;
        return new Promise<R>((resolve) => (trainDone = resolve as (r: StyleTrainResult) => void));
      }
      throw new Error(`no answer for ${type.method}`);
    },
  } as unknown as EngineClient;
  let receive: (m: unknown) => void = () => {};
  const posted: Msg[] = [];
  const panel = {
    title: 't',
    webview: { options: {}, html: '', cspSource: 'vscode-resource:', asWebviewUri: (u: unknown) => u, postMessage: async (m: Msg) => void posted.push(m), onDidReceiveMessage: (l: (m: unknown) => void) => ((receive = l), { dispose() {} }) },
    onDidDispose: () => ({ dispose() {} }),
    reveal() {},
    dispose() {},
  };
  const services: PanelServices = { engine, extensionUri: { fsPath: '/ext' } as never, log: () => {}, settings: () => settings };
  const instance = new SynthesisPanel(panel as never, services, { kind: 'synthesis', model: network, ...state }, () => {});
  const send = async (m: Msg) => {
    receive(m);
    await sleep(100);
  };
  return { instance, posted, requests, stops, send, train: { done: (r: StyleTrainResult) => trainDone(r), preview: (p: PreviewParams) => trainPreview(p) } };
}

describe('the Synthesis panel on a style network', () => {
  it('offers the fast style method alone, without asking the engine for model info; a pick shows the photo through the network beside it', async () => {
    const { instance, posted, requests, send } = open({ view: { kind: 'synthesis', method: 'fast-style', options: { 'fast-style': { content: photo } } } });
    await send({ type: 'ready' });
    const init = posted.find((m) => m.type === 'synthesisInit') as unknown as { methods: { name: string }[]; files: { name: string }[]; backend: string };
    expect(init.methods.map((m) => m.name)).toEqual(['fast-style']);
    expect(init.files.map((f) => f.name)).toEqual(['cat.png']);
    expect(init.backend).toBe('wasm');
    await instance.stylize(photo);
    expect(requests.map((r) => r.method)).toEqual(['style/apply']);
    expect(requests[0]!.params).toMatchObject({ styleNetwork: network, image: photo });
    const result = posted.find((m) => m.type === 'synthesis') as unknown as { result: { method: string; pngBase64: string; config: { options: { content: string } } } };
    expect(result.result).toMatchObject({ method: 'fast-style', pngBase64: 'AAAA', config: { options: { content: photo } } });
    // Run in the panel applies it again with the chosen size; the cost needs no engine.
    await send({ type: 'requestPlan', method: 'fast-style', options: { content: photo, size: 128 } });
    expect(posted.find((m) => m.type === 'plan')).toMatchObject({ plan: { forwardPasses: 1, backwardPasses: 0 } });
    await send({ type: 'run', method: 'fast-style', options: { content: photo, size: 128 } });
    expect(requests.map((r) => r.method)).toEqual(['style/apply', 'style/apply']);
    expect(requests[1]!.params).toMatchObject({ size: 128 });
  });

  it('a photo outside the workspace is refused before the engine sees it', async () => {
    const elsewhere = path.join(mkdtempSync(path.join(tmpdir(), 'convscope-elsewhere-')), 'cat.png');
    writeFileSync(elsewhere, Buffer.from('89504e470d0a1a0a', 'hex'));
    const { instance, posted, requests } = open({ view: { kind: 'synthesis', method: 'fast-style' } });
    await instance.stylize(elsewhere);
    expect(requests).toEqual([]);
    expect(posted.find((m) => m.type === 'error')?.message).toMatch(/outside the workspace/);
  });

  it('training: previews stream, Stop reaches the job, the result carries the curve', async () => {
    const out = path.join(ws, 'new-net/model.json');
    const { instance, posted, requests, stops, send, train } = open({ model: out, view: { kind: 'synthesis', method: 'fast-style', options: { 'fast-style': { content: photo } } } });
    const running = instance.train({ featureModel: '/m/inception/model.json', style: photo, contentDir: ws, outModel: path.dirname(out), steps: 10, previewImage: photo });
    await sleep(50);
    expect(requests.map((r) => r.method)).toEqual(['style/train']);
    expect(posted.find((m) => m.type === 'runStarted')).toMatchObject({ method: 'fast-style', label: 'Training' });
    train.preview({ jobId: 'j1', step: 1, of: 10, scalars: { total: 5, content: 1, style: 4, tv: 0 } });
    train.preview({ jobId: 'j1', step: 2, of: 10, scalars: { total: 4, content: 1, style: 3, tv: 0 }, pngBase64: 'BBBB' });
    expect(posted.filter((m) => m.type === 'preview')).toHaveLength(2);
    await send({ type: 'stop' });
    expect(stops).toHaveLength(1);
    train.done({ outModel: path.dirname(out), modelFile: out, stepsDone: 2, stepsAsked: 10, resumedFrom: 0, stopped: true, curve: [{ step: 1, total: 5, terms: {} }, { step: 2, total: 4, terms: {} }], trainingSeconds: 1, skipped: [], preview: { pngBase64: 'CCCC', width: 64, height: 48 }, backend: 'wasm' });
    await running;
    const result = posted.find((m) => m.type === 'synthesis') as unknown as { result: { stopped: boolean; curve: unknown[]; pngBase64: string } };
    expect(result.result).toMatchObject({ stopped: true, pngBase64: 'CCCC' });
    expect(result.result.curve).toHaveLength(2);
  });
});
