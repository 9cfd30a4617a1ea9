// The Embedding map panel's host side against a scripted engine and a stand-in for the vscode API:
// the ready handshake (the embed method's schema, layers), the folder as a local resource root,
// plans, a run with progress in images and the map with webview URLs, Stop keeping the map of the
// images done, Cancel discarding, a reload, Find Similar Images on a point, exports, frame times.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EngineCancelledError } from '../../src/extension/engineErrors';
import type { EngineClient, RequestOptions } from '../../src/extension/engineClient';
import type { PanelServices } from '../../src/extension/panels/panelBase';
import type { Settings } from '../../src/extension/settings';
import type { EmbedRunResult, EngineRequest, ModelInfoResult } from '../../src/shared/engineProtocol';
import type { EmbeddingMap } from '../../src/shared/embeddingMessages';
import type { PanelState } from '../../src/shared/webviewProtocol';

const host = vi.hoisted(() => ({ commands: [] as unknown[][], saveTo: undefined as string | undefined, messages: [] as string[] }));

vi.mock('vscode', async () => (await import('./support/fakeVscode')).fakeVscode(host, 'res'));


const { EmbeddingPanel } = await import('../../src/extension/panels/embeddingPanel');

type Msg = { type: string; [k: string]: unknown };
let activity = 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function flush(): Promise<void> {
  let [seen, quiet] = [-1, 0];
  while (quiet < 3) {
    await sleep(10);
    if (activity === seen) quiet++;
    else [seen, quiet] = [activity, 0];
  }
}

function fakePanel() {
  let receive: (m: unknown) => void = () => {};
  const posted: Msg[] = [];
  const panel = {
    title: 't',
    webview: { options: {} as { localResourceRoots?: { fsPath: string }[] }, html: '', cspSource: 'res:', asWebviewUri: (u: unknown) => u, postMessage: async (m: Msg) => void (activity++, posted.push(m)), onDidReceiveMessage: (l: (m: unknown) => void) => ((receive = l), { dispose() {} }) },
    onDidDispose: () => ({ dispose() {} }),
    reveal() {},
    dispose() {},
  };
  return { panel, posted, send: (m: Msg) => receive(m), types: () => posted.filter((m) => m.type !== 'busy' || m.fraction === undefined).map((m) => m.type) };
}

const folder = '/data/digits';
const embedInfo = { name: 'embed', label: 'Embedding map', hint: 'h', result: 'folder' as const, options: { method: { type: 'choice' as const, choices: ['pca', 'tsne', 'umap'], default: 'pca', cliFlag: 'method', label: 'Method', hint: '' }, layer: { type: 'layer' as const, cliFlag: 'layer', label: 'Layer', hint: '' } } };
const info: ModelInfoResult = { file: '/m/model.json', kind: 'layers', inputShape: { height: 28, width: 28, channels: 1 }, numClasses: 10, hideClasses: false, backend: 'cpu', folderMethods: [embedInfo], layers: [{ name: 'input', type: 'InputLayer', outputShape: [28, 28, 1], params: 0, isConv: false }, { name: 'dense1', type: 'Dense', outputShape: [64], params: 10, isConv: false }] };

function embedResult(stopped: boolean, n: number): EmbedRunResult {
  const points = Array.from({ length: n }, (_, i) => ({ path: `${folder}/${i % 2}/img${i}.png`, label: String(i % 2), x: i, y: -i }));
  return { method: 'embed', embedding: 'pca', dim: 64, layer: 'dense1', images: folder, used: n, total: 4, skipped: [{ path: `${folder}/1/bad.png`, reason: 'not an image' }], computed: n, cached: 0, stopped, warnings: stopped ? ['stopped early'] : [], elapsedMs: 3, backend: 'cpu', points, explainedVariance: [0.5, 0.25] };
}

function fakeEngine(hold: boolean) {
  const requests: { method: string; params: Record<string, unknown> }[] = [];
  const stops: string[] = [];
  const waiting = new Map<string, () => void>();
  let jobs = 0;
  const engine = {
    start: async () => ({ backend: 'fake' }),
    stop: async (job: { jobId: string }) => (stops.push(job.jobId), waiting.get(job.jobId)?.(), true),
    request: async <P extends object, R>(type: EngineRequest<P, R>, params: P, o: RequestOptions = {}): Promise<R> => {
      activity++;
      const p = params as Record<string, unknown>;
      requests.push({ method: type.method, params: p });
      if (type.method === 'model/info') return info as R;
      if (type.method === 'folder/plan') return { forwardPasses: 4, backwardPasses: 0, summary: 'up to 4 images', images: 4, total: 4 } as R;
      if (type.method !== 'folder/run') throw new Error(`no answer for ${type.method}`);
      const jobId = `job-${++jobs}`;
      o.onJob?.({ jobId });
      o.onProgress?.({ jobId, fraction: 0.5, message: 'images 2/4' });
      if (!hold) return embedResult(false, 4) as R;
      await new Promise<void>((resolve, reject) => {
        waiting.set(jobId, resolve);
        o.signal?.addEventListener('abort', () => reject(new EngineCancelledError()));
      });
      return embedResult(true, 2) as R;
    },
  };
  return { engine: engine as unknown as EngineClient, requests, stops };
}

const settings: Settings = { defaultModel: '', backend: 'auto', colormap: 'magma', methodSetting: () => undefined };
const logs: string[] = [];

function open(hold = false, view: Partial<NonNullable<PanelState['view']>> = {}) {
  const fake = fakeEngine(hold);
  const w = fakePanel();
  const services: PanelServices = { engine: fake.engine, extensionUri: { fsPath: '/ext' } as never, log: (l) => logs.push(l), settings: () => settings };
  const state = { kind: 'embedding', model: '/m/model.json', view: { kind: 'embedding', folder, cacheDir: '/cache', ...view } } as PanelState;
  const panel = new EmbeddingPanel(w.panel as never, services, state, () => {});
  return { ...fake, w, panel };
}

beforeEach(() => {
  host.commands = [];
  host.messages = [];
  host.saveTo = undefined;
  logs.length = 0;
});

describe('embedding panel', () => {
  it('lets the webview load the folder’s images and answers ready with the embed schema and the layers', async () => {
    const { w } = open();
    expect(w.panel.webview.options.localResourceRoots?.map((u) => u.fsPath)).toEqual(['/ext/media', '/ext/dist', folder]);
    w.send({ type: 'ready' });
    await flush();
    expect(w.types()).toEqual(['busy', 'embeddingInit', 'idle']);
    const init = w.posted.find((m) => m.type === 'embeddingInit') as unknown as { method: { name: string }; layers: { name: string }[]; optionDefaults: Record<string, unknown>; folderPath: string };
    expect(init.method.name).toBe('embed');
    expect(init.layers.map((l) => l.name)).toEqual(['dense1']);
    expect(init.optionDefaults).toEqual({ method: 'pca' });
    expect(init.folderPath).toBe(folder);
  });

  it('plans and runs with the folder, limit and cache; the map carries names and URLs; a reload gets it again', async () => {
    const { w, requests } = open();
    w.send({ type: 'ready' });
    await flush();
    w.send({ type: 'requestPlan', request: { options: { method: 'pca' }, limit: 3 } });
    await flush();
    expect(requests.at(-1)).toMatchObject({ method: 'folder/plan', params: { method: 'embed', images: folder, limit: 3, options: { method: 'pca' } } });
    expect(w.posted.at(-1)).toMatchObject({ type: 'plan', request: { limit: 3 }, plan: { images: 4 } });
    w.posted.length = 0;
    w.send({ type: 'run', request: { options: { method: 'pca' } } });
    await flush();
    expect(requests.at(-1)).toMatchObject({ method: 'folder/run', params: { method: 'embed', model: '/m/model.json', images: folder, cacheDir: '/cache' } });
    expect(w.posted.some((m) => m.type === 'busy' && m.message === 'images 2/4')).toBe(true);
    expect(w.types()).toEqual(['busy', 'runStarted', 'embedding', 'idle']);
    const map = w.posted.find((m) => m.type === 'embedding')!.map as EmbeddingMap;
    expect(map.points[1]).toEqual({ path: `${folder}/1/img1.png`, name: '1/img1.png', label: '1', x: 1, y: -1, src: `res:${folder}/1/img1.png` });
    expect(map.explainedVariance).toEqual([0.5, 0.25]);
    const before = requests.length;
    w.posted.length = 0;
    w.send({ type: 'ready' });
    await flush();
    expect(requests.length).toBe(before);
    expect(w.types()).toEqual(['embeddingInit', 'embedding']);
  });

  it('Stop answers with the map of the images done; Cancel discards', async () => {
    const { w, stops } = open(true);
    w.send({ type: 'ready' });
    await flush();
    w.send({ type: 'run', request: { options: {} } });
    await flush();
    w.send({ type: 'stop' });
    await flush();
    expect(stops).toEqual(['job-1']);
    const map = w.posted.find((m) => m.type === 'embedding')!.map as EmbeddingMap;
    expect(map.stopped).toBe(true);
    expect(map.points).toHaveLength(2);
    w.posted.length = 0;
    w.send({ type: 'run', request: { options: {} } });
    await flush();
    w.send({ type: 'cancel' });
    await flush();
    expect(w.types()).not.toContain('embedding');
    expect(w.posted.slice(-2)).toEqual([{ type: 'error', message: 'Cancelled.' }, { type: 'idle' }]);
  });

  it('a click on a point runs Find Similar Images with the folder, model and layer', async () => {
    const { w } = open();
    w.send({ type: 'ready' });
    await flush();
    w.send({ type: 'run', request: { options: {} } });
    await flush();
    w.send({ type: 'findSimilar', path: `${folder}/0/img0.png` });
    await flush();
    expect(host.commands).toEqual([['convscope.findSimilarImages', { fsPath: `${folder}/0/img0.png` }, { folder, model: '/m/model.json', layer: 'dense1' }]]);
  });

  it('exports the points as CSV where the save dialog says, and logs frame times', async () => {
    const { w } = open();
    w.send({ type: 'ready' });
    await flush();
    w.send({ type: 'exportData', format: 'csv' });
    await flush();
    expect(w.posted.at(-1)).toEqual({ type: 'error', message: 'Nothing to export: run a map first.' });
    w.send({ type: 'run', request: { options: {} } });
    await flush();
    host.saveTo = path.join(mkdtempSync(path.join(tmpdir(), 'convscope-embed-')), 'map.csv');
    w.send({ type: 'exportData', format: 'csv' });
    await flush();
    expect(readFileSync(host.saveTo, 'utf8').split('\n').slice(0, 2)).toEqual(['path,label,x,y', `${folder}/0/img0.png,0,0,0`]);
    expect(w.posted.at(-1)).toEqual({ type: 'exported', path: host.saveTo });
    w.send({ type: 'frameTimes', points: 4, frames: 120, medianMs: 16.7, p95Ms: 18.2, drawMedianMs: 3.1, drawP95Ms: 4 });
    await flush();
    expect(logs.at(-1)).toBe('embedding map pan (4 points): 120 frames, frame time median 16.7 ms, p95 18.2 ms; redraw median 3.1 ms, p95 4.0 ms');
  });
});
