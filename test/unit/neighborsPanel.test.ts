// The Neighbours panel's host side, against a stand-in for the vscode API and a fake engine: a
// panel opened on a query and a folder runs at once (plan, then run with the view's options and the
// feature cache), the webview may load the folder's and the query's files, tiles come as webview
// URIs with labels, Stop reaches the job, a click opens only images of the result, and exports
// write CSV / JSON / the webview's figure beside each other without replacing earlier ones.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EngineClient, JobHandle } from '../../src/extension/engineClient';
import type { PanelServices } from '../../src/extension/panels/panelBase';
import type { Settings } from '../../src/extension/settings';
import type { EngineRequest, FolderRunParams, ModelInfoResult, NeighborsRunResult, ProgressParams } from '../../src/shared/engineProtocol';
import type { PanelState } from '../../src/shared/webviewProtocol';

const host = vi.hoisted(() => ({ ws: '', opened: [] as string[] }));

vi.mock('vscode', async () => (await import('./support/fakeVscode')).fakeVscode(host));


const { NeighborsPanel } = await import('../../src/extension/panels/neighborsPanel');

type Msg = { type: string; [k: string]: unknown };
const flush = () => new Promise((r) => setTimeout(r, 30));
const settings: Settings = { defaultModel: '', backend: 'auto', colormap: 'magma', methodSetting: () => undefined };
const info = { file: '/m/model.json', kind: 'layers', inputShape: { height: 28, width: 28, channels: 1 }, numClasses: 10, hideClasses: false, backend: 'wasm', layers: [
  { name: 'input', type: 'InputLayer', outputShape: [28, 28, 1], params: 0, isConv: false },
  { name: 'conv1', type: 'Conv2D', outputShape: [26, 26, 8], params: 80, isConv: true },
  { name: 'fc1', type: 'Dense', outputShape: [64], params: 100, isConv: false },
] } as ModelInfoResult;

function result(folder: string, query: string, stopped = false): NeighborsRunResult {
  const n = (label: string, name: string, distance: number) => ({ path: path.join(folder, label, name), label, distance });
  return {
    method: 'neighbors', images: folder, used: 30, total: 30, layer: 'fc1', skipped: [], computed: 30, cached: 0, stopped, warnings: [], elapsedMs: 12, backend: 'wasm', query, metric: 'cosine',
    neighbors: [n('4', 'a.png', 0), n('4', 'b,"odd".png', 0.04), n('9', 'c.png', 0.05)],
    pixelNeighbors: [n('4', 'a.png', 0), n('1', 'd.png', 0.3), n('9', 'c.png', 0.31)],
  };
}

function open(state: Partial<PanelState> = {}) {
  host.ws = mkdtempSync(path.join(tmpdir(), 'convscope-neighbors-'));
  const folder = path.join(host.ws, 'digits');
  const query = path.join(folder, '4', 'a.png');
  const requests: { method: string; params: FolderRunParams }[] = [];
  const stops: JobHandle[] = [];
  let finish: (r: NeighborsRunResult) => void = () => {};
  let progress: (p: ProgressParams) => void = () => {};
  const engine = {
    start: async () => ({ backend: 'wasm' }),
    stop: async (job: JobHandle) => (stops.push(job), true),
    request: async <P extends object, R>(type: EngineRequest<P, R>, params: P, o: { onJob?: (j: JobHandle) => void; onProgress?: (p: ProgressParams) => void } = {}): Promise<R> => {
      requests.push({ method: type.method, params: params as unknown as FolderRunParams });
      if (type.method === 'model/info') return info as R;
      if (type.method === 'folder/plan') return { forwardPasses: 31, backwardPasses: 0, summary: 'up to 31 images through the model', images: 30, total: 30 } as R;
      if (type.method === 'folder/run') {
        o.onJob?.({ jobId: 'j1' });
        progress = o.onProgress!;
        return new Promise<R>((resolve) => (finish = resolve as (r: NeighborsRunResult) => void));
      }
      throw new Error(`no answer for ${type.method}`);
    },
  } as unknown as EngineClient;
  let receive: (m: unknown) => void = () => {};
  const posted: Msg[] = [];
  const webview = { options: {} as { localResourceRoots?: { fsPath: string }[] }, html: '', cspSource: 'vscode-resource:', asWebviewUri: (u: { toString(): string }) => u, postMessage: async (m: Msg) => void posted.push(m), onDidReceiveMessage: (l: (m: unknown) => void) => ((receive = l), { dispose() {} }) };
  const panel = { title: 't', webview, onDidDispose: () => ({ dispose() {} }), reveal() {}, dispose() {} };
  const services: PanelServices = { engine, extensionUri: { fsPath: '/ext' } as never, log: () => {}, settings: () => settings };
  const full: PanelState = { kind: 'neighbors', model: '/m/model.json', image: query, view: { kind: 'neighbors', folder, cacheDir: '/cache', k: 3, metric: 'cosine', space: 'both' }, ...state };
  const instance = new NeighborsPanel(panel as never, services, full, () => {});
  const send = async (m: Msg) => {
    receive(m);
    await flush();
  };
  return { instance, posted, requests, stops, send, webview, folder, query, finish: (r: NeighborsRunResult) => finish(r), progress: (p: ProgressParams) => progress(p) };
}

describe('the Neighbours panel', () => {
  it('lets the webview load the image folder and the query’s folder besides its own files', () => {
    const { webview, folder, query } = open({ image: '/elsewhere/q.png' });
    const roots = webview.options.localResourceRoots!.map((u) => u.fsPath);
    expect(roots).toEqual(expect.arrayContaining(['/ext/media', '/ext/dist', folder, '/elsewhere']));
    expect(query).toContain(folder);
  });

  it('opened on a query and a folder: init with the layers, then plan and run at once, Stop reaches the job, the result comes as rows of tiles', async () => {
    const { posted, requests, stops, send, folder, query, finish, progress } = open();
    await send({ type: 'ready' });
    const init = posted.find((m) => m.type === 'neighborsInit') as unknown as { layers: { name: string }[]; query: { name: string; src: string }; folder: string };
    expect(init.layers.map((l) => l.name)).toEqual(['conv1', 'fc1']);
    expect(init.query).toMatchObject({ name: 'a.png', src: `webview:${query}` });
    expect(init.folder).toBe('digits');
    expect(requests.map((r) => r.method)).toEqual(['model/info', 'folder/plan', 'folder/run']);
    expect(requests[2]!.params).toMatchObject({ method: 'neighbors', model: '/m/model.json', images: folder, cacheDir: '/cache', options: { query, k: 3, metric: 'cosine', space: 'both' } });
    expect(requests[2]!.params.options).not.toHaveProperty('layer');
    expect(posted.find((m) => m.type === 'plan')).toMatchObject({ images: 30, total: 30 });
    expect(posted.some((m) => m.type === 'runStarted')).toBe(true);
    progress({ jobId: 'j1', fraction: 0.5, message: '15/30 images' });
    expect(posted.at(-1)).toMatchObject({ type: 'busy', message: '15/30 images', fraction: 0.5 });
    await send({ type: 'stop' });
    expect(stops).toEqual([{ jobId: 'j1' }]);
    finish(result(folder, query, true));
    await flush();
    const shown = (posted.find((m) => m.type === 'neighbors') as unknown as { result: { queryLabel: string; stopped: boolean; rows: { title: string; tiles: { name: string; label: string; src: string }[] }[] } }).result;
    expect(shown.queryLabel).toBe('4');
    expect(shown.stopped).toBe(true);
    expect(shown.rows.map((r) => r.title)).toEqual(['features: fc1 (cosine)', 'pixels (cosine)']);
    expect(shown.rows[0]!.tiles[1]).toMatchObject({ name: 'b,"odd".png', label: '4', src: `webview:${path.join(folder, '4', 'b,"odd".png')}` });
    expect(posted.at(-1)).toEqual({ type: 'idle' });
  });

  it('Run sends the chosen k, metric, space and layer; the folder stays the host’s', async () => {
    const { requests, send, folder, query, finish } = open();
    await send({ type: 'ready' });
    finish(result(folder, query));
    await flush();
    await send({ type: 'run', view: { kind: 'neighbors', folder: '/not/this', k: 5, metric: 'euclidean', space: 'pixels' }, layer: 'conv1' });
    const run = requests.filter((r) => r.method === 'folder/run').at(-1)!.params;
    expect(run).toMatchObject({ images: folder, options: { query, k: 5, metric: 'euclidean', space: 'pixels', layer: 'conv1' } });
  });

  it('a reloaded webview gets the result again without engine work; a click opens only images of the result', async () => {
    const { posted, requests, send, folder, query, finish } = open();
    await send({ type: 'ready' });
    finish(result(folder, query));
    await flush();
    const before = requests.length;
    posted.length = 0;
    await send({ type: 'ready' });
    expect(requests.length).toBe(before);
    expect(posted.map((m) => m.type)).toEqual(['neighborsInit', 'neighbors']);
    host.opened = [];
    await send({ type: 'openImage', path: path.join(folder, '1', 'd.png') });
    await send({ type: 'openImage', path: '/etc/passwd' });
    expect(host.opened).toEqual([path.join(folder, '1', 'd.png')]);
  });

  it('pointed at another query or layer (a command, the embedding map) it runs again with them', async () => {
    const { instance, requests, send, folder, query, finish } = open();
    await send({ type: 'ready' });
    finish(result(folder, query));
    await flush();
    const runs = () => requests.filter((r) => r.method === 'folder/run').map((r) => r.params.options);
    void instance.retarget({ layer: 'conv1' });
    await flush();
    expect(runs().at(-1)).toMatchObject({ query, layer: 'conv1' });
    finish(result(folder, query));
    await flush();
    const other = path.join(folder, '9', 'c.png');
    void instance.retarget({ image: other });
    await flush();
    expect(runs().at(-1)).toMatchObject({ query: other, layer: 'conv1' });
    expect(runs()).toHaveLength(3);
  });

  it('exports CSV and JSON side by side, the PNG from the figure the webview draws, and never over an earlier export', async () => {
    const { posted, send, folder, query, finish } = open();
    await send({ type: 'export', format: 'csv' });
    expect(posted.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/run a search first/) });
    await send({ type: 'ready' });
    finish(result(folder, query));
    await flush();
    await send({ type: 'export', format: 'csv' });
    await send({ type: 'export', format: 'json' });
    await send({ type: 'export', format: 'png' });
    const draw = posted.find((m) => m.type === 'drawFigure') as unknown as { images: Record<string, string> };
    // Files that do not exist are left out (the test folder has none): the webview draws grey tiles for them.
    expect(draw.images).toEqual({});
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(8)]).toString('base64');
    await send({ type: 'exportFigure', png });
    await send({ type: 'exportFigure', png: 'bm90IGEgcG5n' });
    expect(posted.at(-1)).toMatchObject({ type: 'error', message: 'The figure is not a PNG image.' });
    await send({ type: 'export', format: 'csv' });
    const dir = path.join(host.ws, 'convscope-exports');
    expect(readdirSync(dir).sort()).toEqual(['a-neighbors.csv', 'a-neighbors.json', 'a-neighbors.png', 'a-neighbors-2.csv'].sort());
    const csv = readFileSync(path.join(dir, 'a-neighbors.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('space,rank,path,label,distance,same_label_as_query');
    expect(csv[2]).toBe(`features:fc1,2,"${path.join(folder, '4', 'b,""odd"".png')}",4,0.04,true`);
    expect(csv[3]).toMatch(/,9,0\.05,false$/);
    const json = JSON.parse(readFileSync(path.join(dir, 'a-neighbors.json'), 'utf8')) as { queryLabel: string; neighbors: unknown[]; images: string };
    expect(json).toMatchObject({ queryLabel: '4', images: folder });
    expect(json.neighbors).toHaveLength(3);
    expect(posted.filter((m) => m.type === 'exported').map((m) => m.format)).toEqual(['csv', 'json', 'png', 'csv']);
  });
});
