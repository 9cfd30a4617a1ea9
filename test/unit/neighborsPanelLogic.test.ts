// The Neighbours panel's pure logic: the query's label from its folder, marking tiles against it,
// the CSV export's escaping, the k field, and where the exported figure puts each image.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvField, neighborsCsv, neighborsParams, queryLabel, resourceFolders } from '../../src/extension/panels/folderPanelData';
import type { NeighborsRunResult } from '../../src/shared/engineProtocol';
import type { NeighborRow } from '../../src/shared/neighborsMessages';
import { figureLayout, formatDistance, markOf, parseK, rowSummary } from '../../src/webviews/neighbors/tiles';

const folder = path.join('/w', 'digits');

describe('the query’s label', () => {
  it('is its subfolder inside the image folder, as the engine labels the folder’s images', () => {
    expect(queryLabel(path.join(folder, '4', 'a.png'), folder)).toBe('4');
    expect(queryLabel(path.join(folder, '4', 'deeper', 'a.png'), folder)).toBe('4');
  });
  it('is unknown at the folder’s top level and outside it (nothing is marked then)', () => {
    expect(queryLabel(path.join(folder, 'a.png'), folder)).toBeUndefined();
    expect(queryLabel('/elsewhere/4/a.png', folder)).toBeUndefined();
    expect(queryLabel(path.join('/w', 'digits-2', '4', 'a.png'), folder)).toBeUndefined();
  });
});

describe('marking tiles', () => {
  const row: NeighborRow = { space: 'features', title: 'features: fc1 (cosine)', tiles: ['4', '4', '9'].map((label, i) => ({ path: `/p${i}`, name: `p${i}`, relativePath: `p${i}`, label, distance: i / 10, src: '' })) };
  it('same label as the query: match; another: mismatch; no query label: unknown', () => {
    expect(markOf('4', '4')).toBe('match');
    expect(markOf('9', '4')).toBe('mismatch');
    expect(markOf('4', undefined)).toBe('unknown');
    expect(markOf('', '')).toBe('match');
  });
  it('a row says how many share the query’s label', () => {
    expect(rowSummary(row, '4')).toBe('2 of 3 labelled 4');
    expect(rowSummary(row, undefined)).toBe('');
  });
  it('distances: 0 exactly for the query itself, else a few digits', () => {
    expect(formatDistance(0)).toBe('0');
    expect(formatDistance(0.0408971917)).toBe('0.0409');
  });
});

describe('the k field', () => {
  it('takes whole numbers from 1 to 1000 only', () => {
    expect(parseK(' 6 ')).toBe(6);
    for (const bad of ['0', '-1', '2.5', 'six', '', '1001']) expect(parseK(bad)).toBeUndefined();
  });
});

describe('CSV export', () => {
  it('quotes fields with commas, quotes and line breaks, doubling the quotes (RFC 4180)', () => {
    expect(csvField('plain.png')).toBe('plain.png');
    expect(csvField('a,b.png')).toBe('"a,b.png"');
    expect(csvField('say "hi".png')).toBe('"say ""hi"".png"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(0.5)).toBe('0.5');
  });
  it('one line per neighbour and space, with whether it shares the query’s label', () => {
    const r = { query: path.join(folder, '4', 'q.png'), layer: 'fc1', neighbors: [{ path: path.join(folder, '4', 'x,y.png'), label: '4', distance: 0.1 }], pixelNeighbors: [{ path: path.join(folder, '9', 'z.png'), label: '9', distance: 0.2 }] } as NeighborsRunResult;
    expect(neighborsCsv(r, folder).split('\r\n')).toEqual(['space,rank,path,label,distance,same_label_as_query', `features:fc1,1,"${path.join(folder, '4', 'x,y.png')}",4,0.1,true`, `pixels,1,${path.join(folder, '9', 'z.png')},9,0.2,false`, '']);
    // A query outside the folder has no label: the column stays empty.
    expect(neighborsCsv({ ...r, query: '/q.png' }, folder).split('\r\n')[1]).toMatch(/,0\.1,$/);
  });
});

describe('the engine request and the webview’s folders', () => {
  it('sends the view’s options and a layer only when one is chosen', () => {
    const view = { kind: 'neighbors' as const, folder, cacheDir: '/c', k: 4, metric: 'euclidean' as const, space: 'features' as const };
    expect(neighborsParams('/m.json', '/q.png', view, '')).toEqual({ method: 'neighbors', model: '/m.json', images: folder, cacheDir: '/c', options: { query: '/q.png', k: 4, metric: 'euclidean', space: 'features' } });
    expect(neighborsParams('/m.json', '/q.png', view, 'conv1').options).toMatchObject({ layer: 'conv1' });
    expect(() => neighborsParams('/m.json', '/q.png', { ...view, folder: undefined }, '')).toThrow(/image folder/);
  });
  it('the folder and the query’s folder, once each', () => {
    expect(resourceFolders(folder, path.join(folder, 'q.png'))).toEqual([folder]);
    expect(resourceFolders(folder, '/e/q.png')).toEqual([folder, '/e']);
    expect(resourceFolders(undefined, undefined)).toEqual([]);
  });
});

describe('the exported figure', () => {
  it('puts the query first, then one row per space, each tile marked', () => {
    const rows: NeighborRow[] = [
      { space: 'features', title: 'features: fc1 (cosine)', tiles: [{ path: '/a', name: 'a', relativePath: 'a', label: '4', distance: 0, src: '' }, { path: '/b', name: 'b', relativePath: 'b', label: '9', distance: 0.25, src: '' }] },
      { space: 'pixels', title: 'pixels (cosine)', tiles: [{ path: '/c', name: 'c', relativePath: 'c', label: '4', distance: 0.5, src: '' }] },
    ];
    const f = figureLayout('/q', '4', rows, 96, 10, 16, 16);
    expect(f.titles.map((t) => t.text)).toEqual(['query', 'features: fc1 (cosine)', 'pixels (cosine)']);
    expect(f.cells.map((c) => [c.path, c.mark, c.caption])).toEqual([
      ['/q', 'query', 'query 4'],
      ['/a', 'match', '0 4'],
      ['/b', 'mismatch', '0.25 9'],
      ['/c', 'match', '0.5 4'],
    ]);
    // Tiles of a row side by side, rows one under the other, nothing outside the canvas.
    expect(f.cells[2]!.x - f.cells[1]!.x).toBe(106);
    expect(f.cells[3]!.y - f.cells[1]!.y).toBe(16 + 96 + 16 + 10);
    for (const c of f.cells) {
      expect(c.x + 96).toBeLessThanOrEqual(f.width);
      expect(c.y + 96 + 16).toBeLessThanOrEqual(f.height);
    }
  });
});
