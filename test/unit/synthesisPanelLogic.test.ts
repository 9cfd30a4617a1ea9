// The synthesis panel's pure logic: option controls and values from the schemas ('layers' lists,
// optional numbers), the loss curve's series, the webview's plan/run decisions, and on the host the
// merging of a command's request, Save's names and its no-overwrite files.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIndex } from '../../src/extension/commands/indexInput';
import { patchOptions, requestedView, runImage, saveSynthesis, synthesisBaseName, synthesisSaveDir } from '../../src/extension/panels/synthesisData';
import type { SynthesisResult } from '../../src/shared/engineProtocol';
import { curveSeries, positions, previewSample, resultSamples } from '../../src/webviews/synthesis/curveData';
import { needsImage, optionsKey, planText, resultText, runBlocker, shownMethod } from '../../src/webviews/synthesis/methodState';
import { methodRunOptions, optionControls, parseOptionValue, shownLayers, shownText, withOption } from '../../src/webviews/ui/optionValues';
import { dreamInfo, invertInfo, synthesisInfos, synthesisLayers, visualizeInfo } from './support/synthesisMethods';

describe('option controls from the schemas', () => {
  it("a 'layers' option is a multi-layer list in model order, over the layers the panel was given", () => {
    const controls = optionControls(dreamInfo, synthesisLayers);
    const layers = controls.find((c) => c.key === 'layers');
    expect(layers?.kind).toBe('layers');
    // Pass-through layers (normalization, dropout), the input and flat outputs (dense) are left out.
    expect(layers?.kind === 'layers' && layers.choices.map((c) => c.value)).toEqual(['conv1', 'mixed', 'conv2']);
    const graph = optionControls(dreamInfo, [{ name: 'n1', type: 'Conv2D', outputShape: [], params: 0, isConv: true }]).find((c) => c.key === 'layers');
    expect(graph?.kind === 'layers' && graph.choices.map((c) => c.value)).toEqual(['n1']);
    expect(controls.map((c) => c.key)).toEqual(Object.keys(dreamInfo.options));
  });

  it('a number without a default may be left empty (visualize: no class target = channel mode); one with a default may not', () => {
    const target = optionControls(visualizeInfo, synthesisLayers).find((c) => c.key === 'target');
    expect(target?.kind === 'number' && target.optional).toBe(true);
    expect(parseOptionValue(visualizeInfo.options.target!, '')).toEqual({ value: undefined });
    expect(parseOptionValue(visualizeInfo.options.target!, '3')).toEqual({ value: 3 });
    expect(parseOptionValue(visualizeInfo.options.target!, '-1')).toEqual({ error: 'Class: at least 0' });
    expect(parseOptionValue(visualizeInfo.options.steps!, '')).toEqual({ error: 'Steps: enter a number' });
    expect(parseOptionValue(visualizeInfo.options.steps!, '2.5')).toEqual({ error: 'Steps: must be a whole number' });
    expect(parseOptionValue(visualizeInfo.options.preset!, 'deepdream')).toHaveProperty('error');
  });

  it("'layers' reads a pick list or a comma-separated text, without blanks or repeats, and needs one layer at least", () => {
    const spec = dreamInfo.options.layers!;
    expect(parseOptionValue(spec, ['conv1', 'conv2', 'conv1'])).toEqual({ value: ['conv1', 'conv2'] });
    expect(parseOptionValue(spec, ' conv1, ,mixed ')).toEqual({ value: ['conv1', 'mixed'] });
    expect(parseOptionValue(spec, [])).toEqual({ error: 'Layers: pick at least one layer' });
    // Without a schema default (DeepDream's depends on the model), none picked means the method's own.
    expect(parseOptionValue({ ...spec, default: undefined }, [])).toEqual({ value: undefined });
    expect(optionControls({ options: { layers: { ...spec, default: undefined } } }, synthesisLayers)[0]).toMatchObject({ kind: 'layers', title: spec.hint });
  });

  it('controls start from the user value, else the default; lists show as lists or text', () => {
    expect(shownLayers(['a', 'b'])).toEqual(['a', 'b']);
    expect(shownLayers('a')).toEqual(['a']);
    expect(shownLayers(undefined)).toEqual([]);
    expect(shownText(['a', 'b'])).toBe('a, b');
    expect(shownText(4)).toBe('4');
  });

  it("a run sends only the method's valid values; values of options the schema lacks are dropped", () => {
    let chosen = withOption({}, 'dream', 'layers', ['conv1', 'mixed']);
    chosen = withOption(chosen, 'dream', 'steps', 3);
    chosen = { ...chosen, dream: { ...chosen.dream, gone: 5, octaves: 99 } };
    expect(methodRunOptions(dreamInfo, chosen.dream)).toEqual({ layers: ['conv1', 'mixed'], steps: 3 });
    expect(withOption(chosen, 'dream', 'steps', undefined).dream).not.toHaveProperty('steps');
    expect(withOption(withOption({}, 'visualize', 'target', 2), 'visualize', 'target', undefined)).toEqual({});
  });
});

describe('loss curve data', () => {
  it('one series per term, total first, from preview scalars and from the final curve alike', () => {
    const fromPreviews = [previewSample({ step: 1, scalars: { 'layer L2': 2, total: 1.5, tv: 0.5 } }), previewSample({ step: 3, scalars: { 'layer L2': 3, total: 2.4, tv: 0.6 } })];
    const series = curveSeries(fromPreviews);
    expect(series.map((s) => s.name)).toEqual(['total', 'layer L2', 'tv']);
    expect(series[0]!.points).toEqual([
      { x: 1, y: 1.5 },
      { x: 3, y: 2.4 },
    ]);
    const fromResult = curveSeries(resultSamples([{ step: 0, total: 1, terms: { 'layer L2': 1 } }, { step: 1, total: 2, terms: { 'layer L2': 2 } }]));
    expect(fromResult.map((s) => [s.name, s.points.map((p) => p.y)])).toEqual([
      ['total', [1, 2]],
      ['layer L2', [1, 2]],
    ]);
  });

  it('a step count that restarts (the next octave) continues the x axis instead of drawing over it', () => {
    const samples = [0, 1, 2, 0, 1, 2].map((step) => ({ step, values: { total: step } }));
    expect(positions(samples)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(positions([{ step: 5, values: {} }, { step: 9, values: {} }])).toEqual([5, 9]);
  });

  it('leaves out values that are not finite and terms a sample lacks', () => {
    const series = curveSeries([
      { step: 0, values: { total: NaN, a: 1 } },
      { step: 1, values: { total: 2 } },
    ]);
    expect(series).toEqual([
      { name: 'total', points: [{ x: 1, y: 2 }] },
      { name: 'a', points: [{ x: 0, y: 1 }] },
    ]);
  });
});

describe('webview decisions', () => {
  it('the view method if the engine has it, else its first; whether it reads an image, when the engine says', () => {
    expect(shownMethod('invert', synthesisInfos)).toBe('invert');
    expect(shownMethod('texture', synthesisInfos)).toBe('visualize');
    expect(shownMethod('dream', [])).toBeUndefined();
    expect(needsImage(visualizeInfo)).toBe(false);
    expect(needsImage(dreamInfo)).toBe(true);
    expect(needsImage({ ...dreamInfo, needsImage: undefined })).toBeUndefined();
  });

  it('a plan answer is matched to its options whatever order they were set in', () => {
    expect(optionsKey('dream', { steps: 3, layers: ['a'] })).toBe(optionsKey('dream', { layers: ['a'], steps: 3 }));
    expect(optionsKey('dream', { steps: 3 })).not.toBe(optionsKey('dream', { steps: 4 }));
    expect(optionsKey('dream', {})).not.toBe(optionsKey('invert', {}));
  });

  it('the cost line: the plan, why it cannot be known, or waiting', () => {
    expect(planText({ forwardPasses: 2, backwardPasses: 2, summary: '2 steps' }, true)).toBe('Cost: 2 steps');
    expect(planText({ error: 'say what to visualize' }, true)).toBe('Cost unknown: say what to visualize');
    expect(planText(undefined, true)).toBe('Cost: …');
    expect(planText(undefined, false)).toBe('');
  });

  it('Run waits for an image where the method reads one, for valid options and for the running job', () => {
    const ok = { method: dreamInfo, needsImage: true, hasImage: true, optionError: undefined, busy: false };
    expect(runBlocker(ok)).toBeUndefined();
    expect(runBlocker({ ...ok, hasImage: false })).toMatch(/needs an input image/);
    expect(runBlocker({ ...ok, method: visualizeInfo, needsImage: false, hasImage: false })).toBeUndefined();
    // Not known: Run does not wait (the engine says so if the method needed one).
    expect(runBlocker({ ...ok, needsImage: undefined, hasImage: false })).toBeUndefined();
    expect(runBlocker({ ...ok, optionError: 'Steps: at least 1' })).toBe('Steps: at least 1');
    expect(runBlocker({ ...ok, busy: true })).toMatch(/Busy/);
  });

  it('the status line says a stopped run kept its image so far', () => {
    const r = { stopped: true, elapsedMs: 1500, width: 64, height: 48, curve: [{ step: 0, total: 0, terms: {} }], backend: 'wasm' };
    expect(resultText(r, (ms) => `${ms} ms`)).toBe('Stopped after 1 step: the image so far · 64×48 · 1500 ms · wasm');
    expect(resultText({ ...r, stopped: false, curve: [] }, (ms) => `${ms} ms`)).toMatch(/^Done: 0 steps/);
  });
});

describe('host: requests, names, Save', () => {
  it("a command's options go over the user's values of that method; undefined removes one; other methods are kept", () => {
    const current = { kind: 'synthesis' as const, method: 'dream', options: { dream: { steps: 3 }, visualize: { target: 4, steps: 7 } } };
    const next = requestedView(current, { method: 'visualize', options: { target: undefined, layer: 'conv1', channel: 2 } });
    expect(next).toEqual({ kind: 'synthesis', method: 'visualize', options: { dream: { steps: 3 }, visualize: { steps: 7, layer: 'conv1', channel: 2 } } });
    expect(requestedView(current, { method: 'invert' }).options).toEqual(current.options);
    expect(patchOptions(undefined, { a: undefined })).toEqual({});
  });

  it('the image goes only to methods that read one', () => {
    const state = { kind: 'synthesis' as const, model: '/m/model.json', image: '/w/cat.png' };
    expect(runImage(state, false)).toBeUndefined();
    expect(runImage(state, true)).toBe('/w/cat.png');
    expect(runImage(state, undefined)).toBe('/w/cat.png');
  });

  const result = (config: SynthesisResult['config'], method = config.command): SynthesisResult => ({
    method,
    pngBase64: Buffer.from('png bytes').toString('base64'),
    width: 2,
    height: 2,
    curve: [],
    details: {},
    config,
    warnings: [],
    stopped: false,
    elapsedMs: 1,
    backend: 'cpu',
  });

  it('names: <image>-<method> next to the image; a visualization after the model, class or channel, next to the model', () => {
    const dream = result({ command: 'dream', model: '/m/incep/model.json', modelSha256: 'x', image: '/w/my photo.jpg', options: {} });
    expect(synthesisBaseName(dream)).toBe('my_photo-dream');
    expect(synthesisSaveDir(dream)).toBe('/w');
    const cls = result({ command: 'visualize', model: '/m/incep/model.json', modelSha256: 'x', options: { target: 3 } });
    expect(synthesisBaseName(cls)).toBe('incep-visualize-class-3');
    expect(synthesisSaveDir(cls)).toBe('/m/incep');
    expect(synthesisBaseName(result({ command: 'visualize', model: '/m/incep/model.json', modelSha256: 'x', options: { layer: 'mixed3', channel: 7 } }))).toBe('incep-visualize-mixed3-ch7');
  });

  it('Save writes the PNG and the run config side by side and never over an existing file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convscope-synth-'));
    const image = path.join(dir, 'cat.png');
    writeFileSync(path.join(dir, 'cat-dream.png'), 'mine');
    const config = { command: 'dream', model: '/m/model.json', modelSha256: 'abc', image, imageSha256: 'def', options: { steps: 3, layers: ['mixed3'] } };
    const first = await saveSynthesis(result(config));
    expect(path.basename(first.png)).toBe('cat-dream-2.png');
    expect(path.basename(first.json)).toBe('cat-dream-2.json');
    expect(readFileSync(path.join(dir, 'cat-dream.png'), 'utf8')).toBe('mine');
    expect(readFileSync(first.png, 'utf8')).toBe('png bytes');
    expect(JSON.parse(readFileSync(first.json, 'utf8'))).toEqual(config);
    // A JSON alone also takes its number: the pair stays together.
    writeFileSync(path.join(dir, 'cat-dream-3.json'), '{}');
    const second = await saveSynthesis(result(config));
    expect(path.basename(second.png)).toBe('cat-dream-4.png');
    expect(readdirSync(dir).sort()).toEqual(['cat-dream-2.json', 'cat-dream-2.png', 'cat-dream-3.json', 'cat-dream-4.json', 'cat-dream-4.png', 'cat-dream.png']);
  });
});

describe('class and channel numbers typed in', () => {
  it('takes whole numbers below the count only', () => {
    expect(parseIndex(' 7 ', 10, 'class')).toEqual({ index: 7 });
    expect(parseIndex('10', 10, 'class')).toEqual({ error: 'The class must be below 10.' });
    expect(parseIndex('-1', 10, 'class')).toHaveProperty('error');
    expect(parseIndex('1.5', 10, 'channel')).toHaveProperty('error');
    expect(parseIndex('0', 0, 'class')).toEqual({ error: 'This model has no class to pick.' });
  });
});
