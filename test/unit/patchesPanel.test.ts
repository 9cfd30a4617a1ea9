// The Max-activating patches panel's host side, against a stand-in for the vscode API and a fake
// engine: a panel opened on a layer, a channel and a folder runs at once (plan, then run), Top and
// the channel come from the webview, each patch carries its crop, guided map, box and a webview
// URI of its source image, and the exports are the engine's grid PNG and the patches' JSON.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EngineClient, JobHandle } from '../../src/extension/engineClient';
import type { PanelServices } from '../../src/extension/panels/panelBase';
import type { Settings } from '../../src/extension/settings';
import type { EngineRequest, FolderRunParams, ModelInfoResult, PatchesRunResult } from '../../src/shared/engineProtocol';
import type { PanelState } from '../../src/shared/webviewProtocol';

const host = vi.hoisted(() => ({ ws: '', opened: [] as string[] }));

vi.mock('vscode', async () => (await import('./support/fakeVscode')).fakeVscode(host));


const { PatchesPanel } = await import('../../src/extension/panels/patchesPanel');

type Msg = { type: string; [k: string]: unknown };
const flush = () => new Promise((r) => setTimeout(r, 30));
const settings: Settings = { defaultModel: '', backend: 'auto', colormap: 'magma', methodSetting: () => undefined };
const info = { file: '/m/model.json', kind: 'layers', inputShape: { height: 28, width: 28, channels: 1 }, numClasses: 10, hideClasses: false, backend: 'wasm', layers: [
  { name: 'input', type: 'InputLayer', outputShape: [28, 28, 1], params: 0, isConv: false },
  { name: 'conv2', type: 'Conv2D', outputShape: [11, 11, 16], params: 80, isConv: true },
  { name: 'fc1', type: 'Dense', outputShape: [64], params: 100, isConv: false },
] } as ModelInfoResult;
const pngBytes = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.from('grid')]);

function result(folder: string, channel: number, top: number): PatchesRunResult {
  const patch = (i: number) => ({ path: path.join(folder, '7', `x${i}.png`), label: '7', value: 3 - i, row: i, col: 2, box: { x: 2, y: 4, width: 10, height: 10 }, imageBox: { x: 4, y: 8, width: 20, height: 20 }, cropPng: 'Q1JPUA==', guidedPng: 'R1VJREVE' });
  return { method: 'patches', images: folder, used: 20, total: 20, layer: 'conv2', skipped: [], computed: 0, cached: 20, stopped: false, warnings: [], elapsedMs: 5, backend: 'wasm', channel, receptiveField: { size: [10, 10], stride: [2, 2], start: [0, 0] }, patches: Array.from({ length: top }, (_, i) => patch(i)), gridPng: pngBytes.toString('base64') };
}

function open(state: Partial<PanelState> = {}) {
  host.ws = mkdtempSync(path.join(tmpdir(), 'convscope-patches-'));
  const folder = path.join(host.ws, 'digits');
  const requests: { method: string; params: FolderRunParams }[] = [];
  const stops: JobHandle[] = [];
  const engine = {
    start: async () => ({ backend: 'wasm' }),
    stop: async (job: JobHandle) => (stops.push(job), true),
    request: async <P extends object, R>(type: EngineRequest<P, R>, params: P, o: { onJob?: (j: JobHandle) => void } = {}): Promise<R> => {
      const p = params as unknown as FolderRunParams;
      requests.push({ method: type.method, params: p });
      if (type.method === 'model/info') return info as R;
      if (type.method === 'folder/plan') return { forwardPasses: 20, backwardPasses: 0, summary: 'up to 20 images', images: 20, total: 20 } as R;
      if (type.method === 'folder/run') {
        o.onJob?.({ jobId: 'j2' });
        return result(p.images, p.options!.channel as number, p.options!.top as number) as R;
      }
      throw new Error(`no answer for ${type.method}`);
    },
  } as unknown as EngineClient;
  let receive: (m: unknown) => void = () => {};
  const posted: Msg[] = [];
  const webview = { options: {} as { localResourceRoots?: { fsPath: string }[] }, html: '', cspSource: 'vscode-resource:', asWebviewUri: (u: { toString(): string }) => u, postMessage: async (m: Msg) => void posted.push(m), onDidReceiveMessage: (l: (m: unknown) => void) => ((receive = l), { dispose() {} }) };
  const panel = { title: 't', webview, onDidDispose: () => ({ dispose() {} }), reveal() {}, dispose() {} };
  const services: PanelServices = { engine, extensionUri: { fsPath: '/ext' } as never, log: () => {}, settings: () => settings };
  const full: PanelState = { kind: 'patches', model: '/m/mnist-cnn/model.json', layer: 'conv2', channel: 3, view: { kind: 'patches', folder, cacheDir: '/cache', top: 4 }, ...state };
  const instance = new PatchesPanel(panel as never, services, full, () => {});
  const send = async (m: Msg) => {
    receive(m);
    await flush();
  };
  return { instance, posted, requests, stops, send, webview, folder };
}

describe('the Max-activating patches panel', () => {
  it('opened on a layer, channel and folder: the folder may be loaded, the spatial layers are offered, and it runs at once', async () => {
    const { posted, requests, send, webview, folder } = open();
    expect(webview.options.localResourceRoots!.map((u) => u.fsPath)).toContain(folder);
    await send({ type: 'ready' });
    const init = posted.find((m) => m.type === 'patchesInit') as unknown as { layers: { name: string }[]; folder: string };
    expect(init.layers.map((l) => l.name)).toEqual(['conv2']);
    expect(init.folder).toBe('digits');
    expect(requests.map((r) => r.method)).toEqual(['model/info', 'folder/plan', 'folder/run']);
    expect(requests[2]!.params).toMatchObject({ method: 'patches', images: folder, cacheDir: '/cache', options: { layer: 'conv2', channel: 3, top: 4 } });
    const shown = (posted.find((m) => m.type === 'patches') as unknown as { result: { channel: number; patches: { name: string; imageBox: unknown; src: string; cropPng: string; guidedPng: string }[] } }).result;
    expect(shown.channel).toBe(3);
    expect(shown.patches).toHaveLength(4);
    expect(shown.patches[0]).toMatchObject({ name: 'x0.png', imageBox: { x: 4, y: 8, width: 20, height: 20 }, src: `webview:${path.join(folder, '7', 'x0.png')}`, cropPng: 'Q1JPUA==', guidedPng: 'R1VJREVE' });
    expect(posted.map((m) => m.type)).toEqual(['busy', 'idle', 'patchesInit', 'busy', 'plan', 'runStarted', 'patches', 'idle']);
  });

  it('without a layer and channel it only shows the controls; Run takes them and Top from the webview', async () => {
    const { requests, send, posted } = open({ layer: undefined, channel: undefined });
    await send({ type: 'ready' });
    expect(requests.map((r) => r.method)).toEqual(['model/info']);
    await send({ type: 'run', layer: 'conv2', channel: 5, top: 2 });
    expect(requests.at(-1)!.params.options).toEqual({ layer: 'conv2', channel: 5, top: 2 });
    expect((posted.find((m) => m.type === 'patches') as unknown as { result: { patches: unknown[] } }).result.patches).toHaveLength(2);
  });

  it('exports the engine’s grid as PNG and the patches as JSON; a click opens only images of the result', async () => {
    const { send, posted } = open();
    await send({ type: 'ready' });
    await send({ type: 'export', format: 'png' });
    await send({ type: 'export', format: 'json' });
    const dir = path.join(host.ws, 'convscope-exports');
    expect(readdirSync(dir).sort()).toEqual(['mnist-cnn-conv2-channel3-patches.json', 'mnist-cnn-conv2-channel3-patches.png']);
    expect(readFileSync(path.join(dir, 'mnist-cnn-conv2-channel3-patches.png'))).toEqual(pngBytes);
    const json = JSON.parse(readFileSync(path.join(dir, 'mnist-cnn-conv2-channel3-patches.json'), 'utf8')) as { patches: { imageBox: unknown; box: unknown }[]; channel: number };
    expect(json.channel).toBe(3);
    expect(json.patches[0]).toMatchObject({ box: { x: 2, y: 4, width: 10, height: 10 }, imageBox: { x: 4, y: 8, width: 20, height: 20 } });
    expect(json.patches[0]).not.toHaveProperty('cropPng');
    expect(posted.filter((m) => m.type === 'exported').map((m) => m.format)).toEqual(['png', 'json']);
    host.opened = [];
    await send({ type: 'openImage', path: path.join(host.ws, 'digits', '7', 'x1.png') });
    await send({ type: 'openImage', path: '/etc/hosts' });
    expect(host.opened).toEqual([path.join(host.ws, 'digits', '7', 'x1.png')]);
  });
});
