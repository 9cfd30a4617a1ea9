// Host-side helpers of the panels: layer lists, image MIME types, export names and contents.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelLayers, effectiveOptionDefaults, exportBaseName, exportJson, filterLayers, imageMime, isCheapMethod, looksLikePng, modelName, pickActivationLayer, readImageDataUrl, runOptionsOf, saliencyOptions, viewOf } from '../../src/extension/panels/panelData';
import type { LayerInfo, SaliencyMethodInfo, SaliencyResult } from '../../src/shared/engineProtocol';
import { methodInfo } from '../../src/engine/methods/descriptor';
import { attributionMethod } from '../../src/engine/methods/catalog';
import { colormapList, defaultViews } from '../../src/shared/webviewProtocol';

const layer = (name: string, type: string, outputShape: number[], isConv = false): LayerInfo => ({ name, type, outputShape, params: 0, isConv });
const layers = [layer('input_1', 'InputLayer', [28, 28, 1]), layer('conv1', 'Conv2D', [26, 26, 8], true), layer('pool', 'MaxPooling2D', [13, 13, 8]), layer('conv2', 'Conv2D', [11, 11, 16], true), layer('flat', 'Flatten', [1936]), layer('dense', 'Dense', [10])];

describe('layer lists', () => {
  it('offers conv layers for filters', () => {
    expect(filterLayers(layers).map((l) => l.name)).toEqual(['conv1', 'conv2']);
  });

  it('offers every layer but the input for activations and neuron targets, graph models included', () => {
    expect(channelLayers(layers).map((l) => l.name)).toEqual(['conv1', 'pool', 'conv2', 'flat', 'dense']);
    expect(channelLayers([layer('Conv2D_1', 'Conv2D', [])]).map((l) => l.name)).toEqual(['Conv2D_1']);
  });

  it('opens activations on the layer asked for, else the first conv layer', () => {
    expect(pickActivationLayer(layers, 'pool')).toBe('pool');
    expect(pickActivationLayer(layers, 'input_1')).toBe('conv1');
    expect(pickActivationLayer(layers, 'nope')).toBe('conv1');
    expect(pickActivationLayer(layers)).toBe('conv1');
    expect(pickActivationLayer([layer('d', 'Dense', [4])])).toBe('d');
    expect(pickActivationLayer([])).toBeUndefined();
  });
});

describe('images and exports', () => {
  it('knows the MIME type of the images a webview can show', () => {
    expect(imageMime('/a/b.PNG')).toBe('image/png');
    expect(imageMime('x.jpg')).toBe('image/jpeg');
    expect(imageMime('x.jpeg')).toBe('image/jpeg');
    expect(imageMime('x.bmp')).toBe('image/bmp');
    expect(imageMime('x.webp')).toBe('image/webp');
    expect(imageMime('x.gif')).toBeUndefined();
    expect(imageMime('noext')).toBeUndefined();
  });

  it('reads an image as a data: URL, and gives up quietly on anything else', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convscope-'));
    writeFileSync(path.join(dir, 'a.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    expect(await readImageDataUrl(path.join(dir, 'a.png'))).toBe('data:image/png;base64,iVBORw==');
    expect(await readImageDataUrl(path.join(dir, 'missing.png'))).toBeUndefined();
    expect(await readImageDataUrl(path.join(dir, 'a.txt'))).toBeUndefined();
  });

  it('names exports <image>-<method>, safe as a file name', () => {
    expect(exportBaseName('/w/photos/chelsea.png', 'gradcam')).toBe('chelsea-gradcam');
    expect(exportBaseName('/w/my cat (1).final.jpg', 'integrated-gradients')).toBe('my_cat_1_.final-integrated-gradients');
    expect(exportBaseName('/w/.hidden.png', 'vanilla')).toBe('hidden-vanilla');
    expect(exportBaseName('/w/日本.png', 'vanilla')).toBe('image-vanilla');
  });

  it('exports the target, the raw map and the numbers', () => {
    const result: SaliencyResult = { method: 'occlusion', target: { kind: 'class', index: 3, label: 'cat' }, overlayPng: 'x', heatmapPng: 'y', signedMap: true, map: { shape: [2, 2], data: [0, 1, -1, 0.5] }, details: { windows: 4 }, warnings: ['w'], elapsedMs: 12, backend: 'wasm' };
    const json = exportJson('/m/model.json', '/w/cat.png', result, { colormap: 'auto', opacity: 0.4 });
    expect(json).toEqual({ model: '/m/model.json', image: '/w/cat.png', method: 'occlusion', target: { kind: 'class', index: 3, label: 'cat' }, map: { shape: [2, 2], data: [0, 1, -1, 0.5] }, signedMap: true, details: { windows: 4 }, warnings: ['w'], elapsedMs: 12, backend: 'wasm', colormap: 'auto', opacity: 0.4 });
    expect(JSON.parse(JSON.stringify(json)).map.data).toHaveLength(4);
  });

  it('accepts only PNG bytes from the webview', () => {
    expect(looksLikePng(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]).toString('base64'))).toBe(true);
    expect(looksLikePng(Buffer.from('GIF89a......').toString('base64'))).toBe(false);
    expect(looksLikePng('')).toBe(false);
  });
});

describe('saliency options and defaults', () => {
  const settings: Record<string, unknown> = { 'convscope.occlusion.window': 8, 'convscope.occlusion.stride': 4, 'convscope.smoothGrad.samples': 25, 'convscope.integratedGradients.steps': 50, 'convscope.colormap': 'gray' };
  const setting = (key: string) => settings[key];
  const info = (name: string) => methodInfo(attributionMethod(name));

  it('passes each method only the settings its descriptor names, and nothing for an unset one', () => {
    expect(saliencyOptions(info('occlusion'), setting)).toEqual({ window: 8, stride: 4 });
    expect(saliencyOptions(info('smoothgrad'), setting)).toEqual({ samples: 25 });
    expect(saliencyOptions(info('integrated-gradients'), setting)).toEqual({ steps: 50 });
    for (const m of ['vanilla', 'guided', 'deconvnet', 'gradcam']) expect(saliencyOptions(info(m), setting)).toEqual({});
    expect(saliencyOptions(info('occlusion'), (key) => (key.endsWith('window') ? 12 : undefined))).toEqual({ window: 12 });
    expect(saliencyOptions(undefined, setting)).toEqual({});
  });

  it('runs unasked only methods of one forward and backward pass at their defaults', () => {
    const withCost = (name: string, forwardPasses: number, backwardPasses: number): SaliencyMethodInfo => ({ ...info(name), defaultCost: { forwardPasses, backwardPasses, summary: '' } });
    expect(isCheapMethod(withCost('vanilla', 2, 1))).toBe(true);
    expect(isCheapMethod(withCost('occlusion', 50, 0))).toBe(false);
    expect(isCheapMethod(withCost('smoothgrad', 25, 25))).toBe(false);
    expect(isCheapMethod(info('vanilla'))).toBe(false); // cost unknown: the defaults did not fit the model
    expect(isCheapMethod(undefined)).toBe(false);
  });

  it('fills view choices from the defaults of the kind, ignoring another kind', () => {
    expect(viewOf({ kind: 'saliency', model: 'm' }, 'saliency')).toEqual(defaultViews.saliency);
    expect(viewOf({ kind: 'saliency', model: 'm', view: { kind: 'saliency', methods: ['gradcam'], opacity: 0.2, colormap: 'gray' } }, 'saliency')).toEqual({ kind: 'saliency', methods: ['gradcam'], opacity: 0.2, colormap: 'gray' });
    expect(viewOf({ kind: 'filters', model: 'm', view: { kind: 'activations', order: 'channel', neuronMethod: 'vanilla' } }, 'filters')).toEqual({ kind: 'filters', mode: 'auto' });
    // a default is never shared (panels spread and change their view)
    expect(viewOf({ kind: 'filters', model: 'm' }, 'filters')).not.toBe(defaultViews.filters);
  });

  it('lists every colormap once', () => {
    expect([...colormapList].sort()).toEqual(['coolwarm', 'gray', 'inferno', 'magma', 'viridis']);
  });

  it('names a model by its folder when the file is model.json', () => {
    expect(modelName('/x/mnist-cnn/model.json')).toBe('mnist-cnn');
    expect(modelName('/x/y/tiny.json')).toBe('tiny');
  });
});

describe('saliency option defaults and run options', () => {
  const setting = (values: Record<string, unknown>) => (key: string) => values[key];

  it('gives each method its settings over its schema defaults; options without either are absent', () => {
    const occlusion = methodInfo(attributionMethod('occlusion'));
    const gradcam = methodInfo(attributionMethod('gradcam'));
    const schema = Object.fromEntries(Object.entries(occlusion.options).map(([k, s]) => [k, s.default]));
    const defaults = effectiveOptionDefaults([occlusion, gradcam], setting({ [occlusion.options.window!.settingKey!]: 12 }));
    expect(defaults.occlusion).toEqual({ ...schema, window: 12 });
    expect(defaults.gradcam).toEqual({});
  });

  it('sends the panel’s values over the settings, and the settings alone for a method the user left untouched', () => {
    const occlusion = methodInfo(attributionMethod('occlusion'));
    const s = setting({ [occlusion.options.window!.settingKey!]: 12, [occlusion.options.stride!.settingKey!]: 6 });
    expect(runOptionsOf(occlusion, s, { occlusion: { window: 4, output: 'probability' } })).toEqual({ window: 4, stride: 6, output: 'probability' });
    expect(runOptionsOf(occlusion, s, { smoothgrad: { samples: 3 } })).toEqual({ window: 12, stride: 6 });
    expect(runOptionsOf(occlusion, s, undefined)).toEqual(saliencyOptions(occlusion, s));
  });
});
