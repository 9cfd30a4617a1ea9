// The extension's style network logic (styleNetworks.ts, no vscode): what marks a style network,
// the shipped ones found beside the extension, the Stylize quick pick's items, the content folder
// and output folder choices of Train Style Network…, and how results show in the Synthesis panel.
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { contentFolderItems, fastStyleMethod, insideWorkspace, optimizeItemLabel, outputFolderState, parseSteps, readStyleNetwork, shippedStyleNetworks, styleApplyAsSynthesis, styleNetworkRecordOf, stylizeItems, styleTrainAsSynthesis } from '../../src/extension/styleNetworks';
import { resultText } from '../../src/webviews/synthesis/methodState';

function styleNet(dir: string, record: object | undefined): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'model.json');
  writeFileSync(file, JSON.stringify({ modelTopology: {}, weightsManifest: [] }));
  writeFileSync(path.join(dir, 'model.convscope.json'), JSON.stringify(record ? { styleNetwork: record } : { description: 'plain' }));
  return file;
}

describe('style networks on disk', () => {
  it('a sidecar with a "styleNetwork" record marks one; others, bad JSON and no sidecar do not', () => {
    expect(styleNetworkRecordOf(JSON.stringify({ styleNetwork: { style: 'scream.jpg', stepsDone: 40 } }))).toEqual({ style: 'scream.jpg', stepsDone: 40 });
    expect(styleNetworkRecordOf(JSON.stringify({ preprocessing: {} }))).toBeUndefined();
    expect(styleNetworkRecordOf('{not json')).toBeUndefined();
    const tmp = mkdtempSync(path.join(tmpdir(), 'convscope-stylenets-'));
    expect(readStyleNetwork(styleNet(path.join(tmp, 'a'), { style: 's.png', stepsDone: 3 }))).toMatchObject({ style: 's.png', stepsDone: 3 });
    expect(readStyleNetwork(styleNet(path.join(tmp, 'b'), undefined))).toBeUndefined();
    expect(readStyleNetwork(path.join(tmp, 'none/model.json'))).toBeUndefined();
  });

  it('the shipped ones are those present under <extension>/models/style-*', () => {
    const ext = mkdtempSync(path.join(tmpdir(), 'convscope-ext-'));
    expect(shippedStyleNetworks(ext)).toEqual([]);
    const scream = styleNet(path.join(ext, 'models/style-scream'), { style: 'scream.jpg', stepsDone: 2000 });
    expect(shippedStyleNetworks(ext)).toEqual([{ file: scream, style: 'scream.jpg', stepsDone: 2000 }]);
  });
});

describe('the Stylize quick pick', () => {
  const shipped = [
    { file: '/ext/models/style-scream/model.json', style: 'scream.jpg', stepsDone: 2000 },
    { file: '/ext/models/style-starry-night/model.json', style: 'starry-night.jpg', stepsDone: 2000 },
  ];
  const relative = (f: string) => f.replace('/ws/', '');

  it('lists the shipped networks, then the workspace ones, then the optimization path', () => {
    const items = stylizeItems(shipped, [{ file: '/ws/nets/style-mosaic/model.json', style: 'mosaic.png', stepsDone: 300 }], relative);
    expect(items.map((i) => i.label)).toEqual(['$(paintcan) scream', '$(paintcan) starry-night', '$(paintcan) mosaic', optimizeItemLabel]);
    expect(items.map((i) => i.network)).toEqual([shipped[0]!.file, shipped[1]!.file, '/ws/nets/style-mosaic/model.json', undefined]);
    expect(items[0]!.description).toBe('scream.jpg · 2000 training steps');
    expect(items[2]!.detail).toMatch(/^nets\/style-mosaic\/model\.json/);
  });

  it('a shipped network also found in the workspace is listed once; with none at all only the optimization path is left', () => {
    expect(stylizeItems(shipped, [shipped[0]!], relative)).toHaveLength(3);
    expect(stylizeItems([], [], relative).map((i) => i.label)).toEqual([optimizeItemLabel]);
  });
});

describe('Train Style Network… choices', () => {
  it('content folders: the usual ones first, then by image count', () => {
    const root = '/ws';
    const files = ['/ws/a/1.png', '/ws/a/2.png', '/ws/a/3.png', '/ws/samples/photos/x.jpg', '/ws/images/y.png', '/ws/b/z.png'];
    expect(contentFolderItems(files, root)).toEqual([
      { dir: '/ws/images', images: 1 },
      { dir: '/ws/samples/photos', images: 1 },
      { dir: '/ws/a', images: 3 },
      { dir: '/ws/b', images: 1 },
    ]);
  });

  it('the output folder: new, a checkpoint to resume (with its steps), or other files', () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'convscope-out-'));
    expect(outputFolderState(path.join(tmp, 'missing'))).toEqual({ kind: 'new' });
    mkdirSync(path.join(tmp, 'empty'));
    expect(outputFolderState(path.join(tmp, 'empty'))).toEqual({ kind: 'new' });
    mkdirSync(path.join(tmp, 'ckpt'));
    writeFileSync(path.join(tmp, 'ckpt/training-state.json'), JSON.stringify({ version: 1, step: 150 }));
    expect(outputFolderState(path.join(tmp, 'ckpt'))).toEqual({ kind: 'checkpoint', stepsDone: 150 });
    mkdirSync(path.join(tmp, 'other'));
    writeFileSync(path.join(tmp, 'other/notes.txt'), 'x');
    expect(outputFolderState(path.join(tmp, 'other'))).toEqual({ kind: 'notEmpty' });
  });

  it('steps: whole numbers from 1; the folder inside the workspace', () => {
    expect(parseSteps(' 200 ')).toEqual({ steps: 200 });
    for (const bad of ['0', '-3', '2.5', 'many', '']) expect(parseSteps(bad)).toHaveProperty('error');
    expect(insideWorkspace('/ws/models/style-x', ['/ws'])).toBe(true);
    expect(insideWorkspace('/ws', ['/ws'])).toBe(true);
    expect(insideWorkspace('/elsewhere/x', ['/ws'])).toBe(false);
    expect(insideWorkspace('/ws/../x', ['/ws'])).toBe(false);
  });
});

describe('fast style results in the Synthesis panel', () => {
  it('an apply shows beside its content (the method\'s file option), as one forward pass', () => {
    const r = styleApplyAsSynthesis({ pngBase64: 'AAA', width: 512, height: 384, milliseconds: 210.5, style: 'scream.jpg', stepsDone: 2000, backend: 'wasm' }, '/ext/models/style-scream/model.json', '/ws/cat.png', 512);
    expect(fastStyleMethod.options.content?.type).toBe('file');
    expect(r.method).toBe(fastStyleMethod.name);
    expect(r.config.options.content).toBe('/ws/cat.png');
    expect(r.config.image).toBe('/ws/cat.png');
    expect(r.details).toMatchObject({ network: 'scream', style: 'scream.jpg', 'training steps': 2000 });
    expect(resultText(r, (ms) => `${ms} ms`)).toBe('Done: one forward pass · 512×384 · 210.5 ms · wasm');
  });

  it('a training run shows its curve, and a stop says so', () => {
    const r = styleTrainAsSynthesis(
      { outModel: '/ws/n', modelFile: '/ws/n/model.json', stepsDone: 2, stepsAsked: 10, resumedFrom: 0, stopped: true, curve: [{ step: 1, total: 3, terms: { content: 1, style: 2, tv: 0 } }, { step: 2, total: 2, terms: { content: 1, style: 1, tv: 0 } }], trainingSeconds: 4, skipped: ['bad.png: not an image'], preview: { pngBase64: 'BBB', width: 256, height: 192 }, backend: 'wasm' },
      '/ws/photos/a.png',
      5000,
    );
    expect(r.curve).toHaveLength(2);
    expect(r.warnings).toEqual(['skipped bad.png: not an image']);
    expect(resultText(r, () => '5 s')).toMatch(/^Stopped after 2 steps/);
    expect(r.config.options.content).toBe('/ws/photos/a.png');
  });
});
