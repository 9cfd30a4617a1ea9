// The Synthesis panel's image-file options on the host: Choose… answers the picked images inside the
// workspace with their thumbnails and refuses the others with the reason; a run or a cost asked
// with a file outside the workspace never reaches the engine; the panel's first message carries the
// thumbnails of the files its view names.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EngineClient } from '../../src/extension/engineClient';
import type { PanelServices } from '../../src/extension/panels/panelBase';
import type { Settings } from '../../src/extension/settings';
import type { EngineRequest, ModelInfoResult } from '../../src/shared/engineProtocol';
import type { PanelState, PickedFile } from '../../src/shared/webviewProtocol';
import { styleInfo, synthesisInfos, synthesisLayers } from './support/synthesisMethods';

const host = vi.hoisted(() => ({ folders: [] as string[], openDialog: [] as string[], dialogs: [] as Record<string, unknown>[] }));

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
      showOpenDialog: async (o: Record<string, unknown>) => (host.dialogs.push(o), host.openDialog.map((f) => Uri.file(f))),
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
/** Waits (up to 10 s) for what the panel does asynchronously: a loaded machine can take longer than send's pause. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 10_000; waited += 20) await sleep(20);
}

const info: ModelInfoResult = { file: '/m/model.json', kind: 'layers', inputShape: { height: 28, width: 28, channels: 1 }, numClasses: 10, hideClasses: false, layers: synthesisLayers, backend: 'cpu', synthesisMethods: [...synthesisInfos, styleInfo] };
const settings: Settings = { defaultModel: '', backend: 'auto', colormap: 'magma', methodSetting: () => undefined };
const png = Buffer.from('89504e470d0a1a0a', 'hex');
let ws = '';
let outside = '';

beforeAll(() => {
  const root = mkdtempSync(path.join(tmpdir(), 'convscope-panel-files-'));
  ws = path.join(root, 'ws');
  outside = path.join(root, 'out');
  mkdirSync(ws);
  mkdirSync(outside);
  for (const f of [path.join(ws, 'content.png'), path.join(ws, 'wave.png'), path.join(outside, 'secret.png')]) writeFileSync(f, png);
});

beforeEach(() => {
  host.folders = [ws];
  host.openDialog = [];
  host.dialogs = [];
});

function open(state: Partial<PanelState> = {}) {
  const requests: { method: string; params: Record<string, unknown> }[] = [];
  const engine = {
    start: async () => ({ backend: 'fake' }),
    stop: async () => false,
    request: async <P extends object, R>(type: EngineRequest<P, R>, params: P): Promise<R> => {
      requests.push({ method: type.method, params: params as Record<string, unknown> });
      if (type.method === 'model/info') return info as R;
      if (type.method === 'synthesis/plan') return { forwardPasses: 1, backwardPasses: 1, summary: 'a plan' } as R;
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
  new SynthesisPanel(panel as never, services, { kind: 'synthesis', model: '/m/model.json', ...state }, () => {});
  /** Delivers a message; then waits for `settled` (what the test expects to have happened), else 40 ms. */
  const send = async (m: Msg, settled?: () => boolean) => {
    receive(m);
    await (settled ? until(settled) : sleep(40));
  };
  return { posted, requests, send };
}

describe('synthesis panel: image-file options', () => {
  it('the first message carries thumbnails of the view’s files inside the workspace, and only those', async () => {
    const view = { kind: 'synthesis' as const, method: 'style', options: { style: { content: path.join(ws, 'content.png'), styles: [path.join(outside, 'secret.png'), path.join(ws, 'wave.png')] } } };
    const { posted, send } = open({ view });
    await send({ type: 'ready' }, () => posted.some((m) => m.type === 'synthesisInit'));
    const init = posted.find((m) => m.type === 'synthesisInit') as unknown as { files: PickedFile[] };
    expect(init.files.map((f) => [f.name, f.dataUrl?.slice(0, 22)])).toEqual([
      ['content.png', 'data:image/png;base64,'],
      ['wave.png', 'data:image/png;base64,'],
    ]);
  });

  it('Choose…: a dialog of images (several for a list); the images inside the workspace come back, the others are refused with the reason', async () => {
    const { posted, send } = open();
    await send({ type: 'ready' }, () => posted.some((m) => m.type === 'synthesisInit'));
    host.openDialog = [path.join(ws, 'wave.png'), path.join(outside, 'secret.png')];
    await send({ type: 'pickFile', method: 'style', key: 'styles', many: true }, () => posted.some((m) => m.type === 'filesPicked') && posted.some((m) => m.type === 'error'));
    expect(host.dialogs[0]).toMatchObject({ canSelectMany: true, filters: { Images: ['png', 'jpg', 'jpeg', 'bmp', 'webp'] } });
    const picked = posted.filter((m) => m.type === 'filesPicked');
    expect(picked).toHaveLength(1);
    expect(picked[0]).toMatchObject({ method: 'style', key: 'styles' });
    expect((picked[0]!.files as PickedFile[]).map((f) => f.name)).toEqual(['wave.png']);
    expect(posted.filter((m) => m.type === 'error').map((m) => m.message)).toEqual(['secret.png: outside the workspace; only images inside the workspace folders can be used']);
    // Nothing inside: no files message at all.
    host.openDialog = [path.join(outside, 'secret.png')];
    await send({ type: 'pickFile', method: 'style', key: 'content', many: false }, () => posted.filter((m) => m.type === 'error').length === 2);
    expect(host.dialogs[1]).toMatchObject({ canSelectMany: false });
    expect(posted.filter((m) => m.type === 'filesPicked')).toHaveLength(1);
  });

  it('a cost or a run naming a file outside the workspace is refused before the engine sees it', async () => {
    const { posted, requests, send } = open();
    await send({ type: 'ready' }, () => posted.some((m) => m.type === 'synthesisInit'));
    const bad = { content: path.join(outside, 'secret.png'), styles: [path.join(ws, 'wave.png')] };
    await send({ type: 'requestPlan', method: 'style', options: bad }, () => posted.some((m) => m.type === 'planError'));
    expect(posted.find((m) => m.type === 'planError')).toMatchObject({ method: 'style', options: bad, message: expect.stringContaining('secret.png: outside the workspace') });
    await send({ type: 'run', method: 'style', options: bad }, () => posted.some((m) => m.type === 'error'));
    expect(posted.filter((m) => m.type === 'error').at(-1)?.message).toContain('secret.png: outside the workspace');
    expect(posted.some((m) => m.type === 'runStarted')).toBe(false);
    expect(requests.map((r) => r.method)).toEqual(['model/info']);
    // Inside the workspace the cost is asked for, with the paths as given.
    await send({ type: 'requestPlan', method: 'style', options: { content: path.join(ws, 'content.png'), styles: [path.join(ws, 'wave.png')], styleWeights: '1' } }, () => requests.length === 2);
    expect(requests.at(-1)).toMatchObject({ method: 'synthesis/plan', params: { method: 'style', options: { styleWeights: '1' } } });
    expect((requests.at(-1)!.params.options as { styles: string[] }).styles).toEqual([path.join(ws, 'wave.png')]);
  });
});
