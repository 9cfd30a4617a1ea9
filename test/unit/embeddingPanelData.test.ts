// The Embedding map panel's pure parts: label order and colours, points → chart datasets, the
// legend's toggles, which options show per method, status lines, the cost line, pan/zoom
// arithmetic, frame statistics, and the host's exports (CSV escaping, JSON without webview URLs).
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvField, embeddingCsv, embeddingExportBase, embeddingJson, embedParams, mapForWebview, relativeName } from '../../src/extension/panels/embeddingData';
import type { EmbedRunResult } from '../../src/shared/engineProtocol';
import type { EmbeddingMap, EmbeddingPoint } from '../../src/shared/embeddingMessages';
import type { MethodInfo } from '../../src/shared/methodSchema';
import { frameStats, panOffset } from '../../src/webviews/embedding/frameProbe';
import { cameraView, fitCamera, fitView, panCamera, wheelFactor, zoomCamera } from '../../src/webviews/embedding/panZoom';
import { planLine, requestKey, withValue } from '../../src/webviews/embedding/requestState';
import { knownHidden, labelEntries, mapStatus, scatterDatasets, shownOptions, skippedLines, toggleLabel, varianceText } from '../../src/webviews/embedding/scatterData';

const point = (label: string, x: number, y: number, name = `${label}/${x}.png`): EmbeddingPoint => ({ path: `/f/${name}`, name, label, x, y, src: `res:/f/${name}` });

const map = (points: EmbeddingPoint[], extra: Partial<EmbeddingMap> = {}): EmbeddingMap => ({ embedding: 'pca', layer: 'dense1', space: 'features', dim: 64, points, used: points.length, total: points.length, computed: points.length, cached: 0, skipped: [], warnings: [], stopped: false, elapsedMs: 1200, backend: 'wasm', ...extra });

describe('labels and datasets', () => {
  const points = [point('10', 0, 0), point('2', 1, 1), point('cat', 2, 2), point('2', 3, 3), point('1', 4, 4)];

  it('orders labels naturally (2 before 10, numbers before text) and colours them from the fixed palette by that order', () => {
    const entries = labelEntries(points);
    expect(entries.map((e) => [e.label, e.count])).toEqual([
      ['1', 1],
      ['2', 2],
      ['10', 1],
      ['cat', 1],
    ]);
    expect(entries[0]!.color).toBe('rgb(31, 95, 191)');
    expect(entries[1]!.color).toBe('rgb(232, 115, 12)');
    // The same label set in another order gives the same colours.
    expect(labelEntries([...points].reverse())).toEqual(entries);
  });

  it('makes one dataset per shown label, each point keeping its index into the map', () => {
    const entries = labelEntries(points);
    const sets = scatterDatasets(points, entries, new Set(['cat']));
    expect(sets.map((s) => s.label)).toEqual(['1', '2', '10']);
    expect(sets[1]!.data).toEqual([
      { x: 1, y: 1, i: 1 },
      { x: 3, y: 3, i: 3 },
    ]);
    expect(sets[1]!.color).toBe(entries[1]!.color);
  });

  it('the legend toggles a label off and on again, and forgets labels the map does not have', () => {
    let hidden = toggleLabel([], '2');
    expect(hidden).toEqual(['2']);
    hidden = toggleLabel(hidden, '10');
    expect(hidden).toEqual(['2', '10']);
    expect(toggleLabel(hidden, '2')).toEqual(['10']);
    expect(knownHidden(['2', 'dog'], labelEntries(points))).toEqual(['2']);
    expect(knownHidden(undefined, [])).toEqual([]);
  });
});

describe('options and lines', () => {
  const embed: MethodInfo = {
    name: 'embed',
    label: 'Embedding map',
    hint: '',
    result: 'folder',
    options: Object.fromEntries(['layer', 'pool', 'space', 'method', 'perplexity', 'iterations', 'neighbors', 'minDist', 'seed'].map((k) => [k, { type: 'int' as const, cliFlag: k, label: k, hint: '' }])),
  };

  it('shows only the chosen method’s own parameters', () => {
    expect(Object.keys(shownOptions(embed, 'pca').options)).toEqual(['layer', 'pool', 'space', 'method', 'seed']);
    expect(Object.keys(shownOptions(embed, 'tsne').options)).toEqual(['layer', 'pool', 'space', 'method', 'perplexity', 'iterations', 'seed']);
    expect(Object.keys(shownOptions(embed, 'umap').options)).toEqual(['layer', 'pool', 'space', 'method', 'neighbors', 'minDist', 'seed']);
  });

  it('says how the map was made, the explained variance of PCA, and the skipped files', () => {
    const m = map([point('1', 0, 0), point('2', 1, 1)], { explainedVariance: [0.234, 0.11], used: 2, total: 1500, skipped: [{ path: '/f/3/bad.png', reason: 'not an image' }] });
    expect(mapStatus(m, (ms) => `${ms} ms`)).toBe('PCA of 2 images (a sample of 1500) · layer dense1 (64 values) · 2 computed, 0 from the cache · 1200 ms · wasm');
    expect(mapStatus({ ...m, stopped: true, space: 'pixels', embedding: 'tsne' }, () => '1 s')).toBe('Stopped: t-SNE of 2 images (a sample of 1500) · pixels · 1 s · wasm');
    expect(varianceText(m)).toBe('Explained variance: x 23.4 %, y 11.0 % (34.4 % in all)');
    expect(varianceText({})).toBe('');
    expect(skippedLines(m, (p) => relativeName('/f', p))).toEqual(['3/bad.png: not an image']);
  });

  it('keys requests by their values, not their order; the cost line gives the image count', () => {
    expect(requestKey({ options: { a: 1, b: 'x' }, limit: 5 })).toBe(requestKey({ options: { b: 'x', a: 1 }, limit: 5 }));
    expect(requestKey({ options: {} })).not.toBe(requestKey({ options: {}, limit: 5 }));
    expect(withValue({ method: 'tsne', seed: 1 }, 'seed', undefined)).toEqual({ method: 'tsne' });
    expect(withValue(undefined, 'method', 'umap')).toEqual({ method: 'umap' });
    expect(planLine({ forwardPasses: 300, backwardPasses: 0, summary: 'up to 300 images', images: 300, total: 1500 }, true)).toBe('300 of 1500 images (a seeded sample) · up to 300 images');
    expect(planLine({ forwardPasses: 9, backwardPasses: 0, summary: 's', images: 9, total: 9 }, true)).toBe('9 images · s');
    expect(planLine({ error: 'no such layer' }, true)).toBe('Cost unknown: no such layer');
    expect(planLine(undefined, false)).toBe('Choose an image folder to map.');
  });
});

describe('pan and zoom', () => {
  it('zooms about the cursor (the value under it stays), pans with the pointer, keeps one scale at any size', () => {
    const cam = { cx: 5, cy: 0, upp: 0.1 };
    expect(cameraView(cam, 100, 50)).toEqual({ x: { min: 0, max: 10 }, y: { min: -2.5, max: 2.5 } });
    const zoomed = zoomCamera(cam, { x: 0, y: 0 }, 0.5);
    expect(zoomed).toEqual({ cx: 2.5, cy: 0, upp: 0.05 });
    // The data point at the cursor (x = 0: pixel 0 of the 100-wide area) is still at pixel 0.
    expect(cameraView(zoomed, 100, 50).x.min).toBeCloseTo(0);
    // Dragging right and down by 10 px moves the map with the pointer: the view goes left and up.
    expect(panCamera(cam, 10, 10)).toEqual({ cx: 4, cy: 1, upp: 0.1 });
    // A wider panel shows more of the map at the same scale instead of stretching it.
    expect(cameraView(cam, 200, 50).x).toEqual({ min: -5, max: 15 });
    expect(wheelFactor(100, 0)).toBeGreaterThan(1);
    expect(wheelFactor(-100, 0)).toBeLessThan(1);
    expect(wheelFactor(1e6, 0)).toBe(wheelFactor(300, 0));
    expect(wheelFactor(3, 1)).toBeCloseTo(wheelFactor(48, 0));
  });

  it('fits every point with one scale on both axes', () => {
    const v = fitView([{ x: 0, y: 0 }, { x: 10, y: 2 }], 200, 100, 0);
    expect((v.x.max - v.x.min) / 200).toBeCloseTo((v.y.max - v.y.min) / 100);
    expect(v.x.min).toBeCloseTo(0);
    expect(v.x.max).toBeCloseTo(10);
    expect(v.y.min).toBeLessThanOrEqual(0);
    expect(v.y.max).toBeGreaterThanOrEqual(2);
    const one = fitView([{ x: 3, y: 3 }], 100, 100);
    expect(one.x.max - one.x.min).toBeGreaterThan(0);
    expect(fitView([], 10, 10)).toEqual({ x: { min: -1, max: 1 }, y: { min: -1, max: 1 } });
    expect(fitCamera([{ x: 0, y: 0 }, { x: 10, y: 2 }], 200, 100, 0)).toEqual({ cx: 5, cy: 1, upp: 0.05 });
  });

  it('frame statistics: median and 95th percentile by nearest rank; the probe pans out and back', () => {
    expect(frameStats([])).toEqual({ medianMs: 0, p95Ms: 0 });
    const times = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(frameStats(times)).toEqual({ medianMs: 50, p95Ms: 95 });
    expect(frameStats([16, 17, 40])).toEqual({ medianMs: 17, p95Ms: 40 });
    expect(panOffset(0, 2000)).toBe(0);
    expect(panOffset(500, 2000)).toBeCloseTo(0.25);
    expect(panOffset(2000, 2000)).toBeCloseTo(0);
  });
});

describe('host data', () => {
  const folder = path.join(path.sep, 'data', 'digits');
  const result: EmbedRunResult = {
    method: 'embed',
    embedding: 'pca',
    dim: 64,
    layer: 'dense1',
    images: folder,
    used: 2,
    total: 2,
    skipped: [],
    computed: 2,
    cached: 0,
    stopped: false,
    warnings: [],
    elapsedMs: 5,
    backend: 'cpu',
    points: [
      { path: path.join(folder, '7', 'a,b "c".png'), label: '7', x: 1.5, y: -2 },
      { path: path.join(folder, '1', 'plain.png'), label: '1', x: 0, y: 3 },
    ],
    explainedVariance: [0.3, 0.2],
  };

  it('sends only scalar options, a positive whole limit and the cache', () => {
    expect(embedParams('/m.json', folder, '/cache', { options: { method: 'tsne', perplexity: 5, layers: ['x'] }, limit: 100 })).toEqual({ method: 'embed', model: '/m.json', images: folder, limit: 100, cacheDir: '/cache', options: { method: 'tsne', perplexity: 5 } });
    expect(embedParams('/m.json', folder, undefined, { options: {}, limit: 0 })).toEqual({ method: 'embed', model: '/m.json', images: folder, options: {} });
  });

  it('gives each point its name inside the folder and a webview URL', () => {
    const m = mapForWebview(result, folder, 'features', (f) => `res:${f}`);
    expect(m.points.map((p) => p.name)).toEqual(['7/a,b "c".png', '1/plain.png']);
    expect(m.points[1]!.src).toBe(`res:${path.join(folder, '1', 'plain.png')}`);
    expect(m.explainedVariance).toEqual([0.3, 0.2]);
    expect(relativeName(folder, '/elsewhere/x.png')).toBe('/elsewhere/x.png');
  });

  it('writes CSV with commas, quotes and line breaks in file names quoted', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    const csv = embeddingCsv(mapForWebview(result, folder, 'features', (f) => f));
    expect(csv.split('\n')).toEqual(['path,label,x,y', `"${path.join(folder, '7', 'a,b ""c"".png')}",7,1.5,-2`, `${path.join(folder, '1', 'plain.png')},1,0,3`, '']);
  });

  it('writes JSON with the model and folder, without the webview URLs', () => {
    const json = JSON.parse(embeddingJson(mapForWebview(result, folder, 'features', (f) => `res:${f}`), '/m.json', folder)) as { model: string; folder: string; points: Record<string, unknown>[]; explainedVariance: number[] };
    expect(json.model).toBe('/m.json');
    expect(json.folder).toBe(folder);
    expect(json.points[0]).toEqual({ path: path.join(folder, '7', 'a,b "c".png'), label: '7', x: 1.5, y: -2 });
    expect(json.explainedVariance).toEqual([0.3, 0.2]);
    expect(embeddingExportBase('/x/my digits', 'tsne')).toBe('my_digits-tsne');
  });
});
