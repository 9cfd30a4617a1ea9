// Pure logic of the webviews: channel order, the saliency target picker, method lists, number
// formatting, and the filter grid hit test (checked against the engine's own grid layout).
import { describe, expect, it } from 'vitest';
import { renderFilterGrid } from '../../src/engine/render/renderFilters';
import type { ChannelActivation, ClassScore, FilterMode, FiltersResult, LayerInfo } from '../../src/shared/engineProtocol';
import { orderChannels, ordinal, rankOf, visibleChannels } from '../../src/webviews/activations/channels';
import { filterAtPoint, filterBox, gridGeometry } from '../../src/webviews/filters/gridHit';
import { methodTitle, orderedMethods, runLabel } from '../../src/webviews/saliency/methods';
import { choiceOf, describeTarget, neuronChoice, otherClassChoice, sameTarget, targetChoices, targetOf, topChoice, type TargetContext } from '../../src/webviews/saliency/targets';
import { defaultLayerChoice, optionControls, parseOptionValue, runOptions, shownValue, withOption } from '../../src/webviews/saliency/optionValues';
import { methodInfo } from '../../src/engine/methods/descriptor';
import { attributionMethod, attributionMethods } from '../../src/engine/methods/catalog';
import type { OptionSpec } from '../../src/shared/methodSchema';
import { formatDetail, formatMs, formatNumber, formatPercent, formatShape, layerLabel } from '../../src/webviews/ui/format';

const ch = (channel: number, mean: number): ChannelActivation => ({ channel, mean, max: mean * 2, png: '' });

describe('channels', () => {
  const channels = [ch(0, 0.1), ch(1, 0.9), ch(2, -0.5), ch(3, 0.9), ch(4, 0)];

  it('sorts by mean, highest first, ties by channel; or keeps channel order', () => {
    expect(orderChannels(channels, 'mean').map((c) => c.channel)).toEqual([1, 3, 0, 4, 2]);
    expect(orderChannels([...channels].reverse(), 'channel').map((c) => c.channel)).toEqual([0, 1, 2, 3, 4]);
    expect(channels.map((c) => c.channel)).toEqual([0, 1, 2, 3, 4]); // input untouched
  });

  it('pages the tiles, keeping the selected channel visible', () => {
    const many = Array.from({ length: 10 }, (_, i) => ch(i, -i));
    expect(visibleChannels(many, false, undefined, 4).map((c) => c.channel)).toEqual([0, 1, 2, 3]);
    expect(visibleChannels(many, false, 8, 4).map((c) => c.channel)).toEqual([0, 1, 2, 3, 8]);
    expect(visibleChannels(many, false, 2, 4)).toHaveLength(4);
    expect(visibleChannels(many, true, undefined, 4)).toHaveLength(10);
  });

  it('ranks a channel by mean', () => {
    expect(rankOf(channels, 1)).toBe(1);
    expect(rankOf(channels, 2)).toBe(5);
    expect(rankOf(channels, 9)).toBeUndefined();
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
  });
});

describe('saliency targets', () => {
  const predictions: ClassScore[] = [
    { index: 7, label: 'cat', probability: 0.8, logit: 3 },
    { index: 2, label: 'dog', probability: 0.15, logit: 1 },
  ];
  const labelled: TargetContext = { predictions, hideClasses: false, numClasses: 10, hasLayers: true };
  const hidden: TargetContext = { predictions: [], hideClasses: true, numClasses: 5, hasLayers: true };

  it('offers the top predictions with labels, any class by index, and a neuron', () => {
    const choices = targetChoices(labelled);
    expect(choices.map((c) => c.value)).toEqual(['class:7', 'class:2', otherClassChoice, neuronChoice]);
    expect(choices[0]!.label).toBe('class 7 · cat — 80%');
  });

  it('offers class indices only, without labels or scores, when the model hides its classes', () => {
    const choices = targetChoices(hidden);
    expect(choices.map((c) => c.value)).toEqual([topChoice, otherClassChoice, neuronChoice]);
    expect(choices.some((c) => /%/.test(c.label))).toBe(false);
    expect(targetChoices({ ...hidden, hasLayers: false, numClasses: 1 }).map((c) => c.value)).toEqual([topChoice]);
  });

  it('shows a stored target in the picker', () => {
    expect(choiceOf(undefined, labelled)).toBe('class:7');
    expect(choiceOf({ kind: 'class' }, labelled)).toBe('class:7');
    expect(choiceOf({ kind: 'class', index: 2 }, labelled)).toBe('class:2');
    expect(choiceOf({ kind: 'class', index: 5 }, labelled)).toBe(otherClassChoice);
    expect(choiceOf({ kind: 'neuron', layer: 'c', channel: 1 }, labelled)).toBe(neuronChoice);
    expect(choiceOf({ kind: 'class' }, hidden)).toBe(topChoice);
    expect(choiceOf({ kind: 'neuron', layer: 'c', channel: 1 }, { ...hidden, hasLayers: false })).toBe(topChoice);
  });

  it('turns a choice and its fields into an engine target, or says what is wrong', () => {
    const inputs = { classIndex: '', layer: 'conv2', channel: '3', channels: 16 };
    expect(targetOf('class:7', inputs, 10)).toEqual({ target: { kind: 'class', index: 7 } });
    expect(targetOf(topChoice, inputs, 10)).toEqual({ target: { kind: 'class' } });
    expect(targetOf(otherClassChoice, { ...inputs, classIndex: ' 9 ' }, 10)).toEqual({ target: { kind: 'class', index: 9 } });
    expect(targetOf(otherClassChoice, { ...inputs, classIndex: '10' }, 10)).toEqual({ error: 'Class index must be a whole number from 0 to 9.' });
    expect(targetOf(otherClassChoice, { ...inputs, classIndex: '-1' }, 10)).toHaveProperty('error');
    expect(targetOf(otherClassChoice, { ...inputs, classIndex: '1.5' }, 10)).toHaveProperty('error');
    expect(targetOf(neuronChoice, inputs, 10)).toEqual({ target: { kind: 'neuron', layer: 'conv2', channel: 3 } });
    expect(targetOf(neuronChoice, { ...inputs, channel: '16' }, 10)).toEqual({ error: 'Channel must be a whole number from 0 to 15.' });
    expect(targetOf(neuronChoice, { ...inputs, channel: '99', channels: undefined }, 10)).toEqual({ target: { kind: 'neuron', layer: 'conv2', channel: 99 } });
    expect(targetOf(neuronChoice, { ...inputs, layer: '' }, 10)).toHaveProperty('error');
    expect(targetOf('bogus', inputs, 10)).toHaveProperty('error');
  });

  it('describes targets, hiding labels when the model does', () => {
    expect(describeTarget({ kind: 'class', index: 7, label: 'cat' }, false)).toBe('class 7 · cat');
    expect(describeTarget({ kind: 'class', index: 7, label: 'cat' }, true)).toBe('class 7');
    expect(describeTarget({ kind: 'class' }, false)).toBe('top class');
    expect(describeTarget({ kind: 'neuron', layer: 'conv2', channel: 3 }, false)).toBe('neuron conv2 · channel 3');
  });

  it('compares targets', () => {
    expect(sameTarget({ kind: 'class', index: 1 }, { kind: 'class', index: 1 })).toBe(true);
    expect(sameTarget({ kind: 'class', index: 1 }, { kind: 'class' })).toBe(false);
    expect(sameTarget({ kind: 'neuron', layer: 'a', channel: 1 }, { kind: 'neuron', layer: 'a', channel: 1 })).toBe(true);
    expect(sameTarget({ kind: 'neuron', layer: 'a', channel: 1 }, { kind: 'neuron', layer: 'b', channel: 1 })).toBe(false);
    expect(sameTarget({ kind: 'neuron', layer: 'a', channel: 1 }, { kind: 'class', index: 1 })).toBe(false);
    expect(sameTarget(undefined, undefined)).toBe(true);
    expect(sameTarget({ kind: 'class' }, undefined)).toBe(false);
  });
});

describe('methods', () => {
  it('keeps the engine order and drops unknown names', () => {
    expect(orderedMethods(['occlusion', 'vanilla', 'bogus', 'vanilla'], ['vanilla', 'guided', 'occlusion', 'gradcam'])).toEqual(['vanilla', 'occlusion']);
    const listed = [{ name: 'gradcam', label: 'Grad-CAM', hint: 'class activation map' }];
    expect(methodTitle(listed, 'gradcam')).toEqual({ label: 'Grad-CAM', hint: 'class activation map' });
    expect(methodTitle(listed, 'new-method')).toEqual({ label: 'new-method', hint: '' });
    expect(runLabel(0)).toBe('Run');
    expect(runLabel(1)).toBe('Run');
    expect(runLabel(3)).toBe('Compare 3 methods');
  });
});

describe('formatting', () => {
  it('formats numbers, details, shapes, durations and probabilities', () => {
    expect([0, 3, -2.5, 0.123456, 1234.5678, 1e-5, 2.5e6, NaN].map(formatNumber)).toEqual(['0', '3', '-2.5', '0.1235', '1235', '1.00e-5', '2.50e+6', 'NaN']);
    expect(formatDetail('conv2')).toBe('conv2');
    expect(formatDetail(0.5)).toBe('0.5');
    expect(formatDetail([1, 2, 3])).toBe('[1, 2, 3]');
    expect(formatDetail([1, 2, 3, 4], 2)).toBe('[1, 2, … 4 values]');
    expect(formatShape([224, 224, 3])).toBe('224×224×3');
    expect(formatShape([-1, 7])).toBe('?×7');
    expect(formatShape([])).toBe('?');
    expect([12.4, 999, 1500, 61_000].map(formatMs)).toEqual(['12 ms', '999 ms', '1.5 s', '1 min 1 s']);
    expect([0.8, 0.153, 0.0123, 0.00042, 0].map(formatPercent)).toEqual(['80%', '15%', '1.2%', '0.042%', '0%']);
    expect(layerLabel({ name: 'c', type: 'Conv2D', outputShape: [26, 26, 8], params: 80, isConv: true })).toBe('c · Conv2D · 26×26×8');
    expect(layerLabel({ name: 'n', type: 'Relu', outputShape: [], params: 0, isConv: false })).toBe('n · Relu');
  });
});

describe('filter grid hit test (against the engine layout)', () => {
  /** A fake kernel whose grid the engine draws; the hit test must find each filter under its tiles. */
  function check(kh: number, kw: number, cin: number, cout: number, mode: FilterMode, rgb: boolean) {
    const kernel = { shape: [kh, kw, cin, cout], data: Float32Array.from({ length: kh * kw * cin * cout }, (_, i) => Math.sin(i)) };
    const grid = renderFilterGrid({ layer: 'c', kernel, rgb }, mode);
    const tiles = Math.min(cout, 1024);
    const result: Pick<FiltersResult, 'mode' | 'rgb' | 'kernelShape' | 'tiles'> = { mode, rgb, kernelShape: kernel.shape, tiles: new Array(tiles).fill('') };
    const g = gridGeometry(result);
    // The grid image is padding + columns·cell wide: check the centre of every tile.
    const cellW = (grid.width - 2) / g.columns;
    const cellH = (grid.height - 2) / g.rows;
    for (let t = 0; t < g.count; t++) {
      const cx = 2 + (t % g.columns) * cellW + cellW / 2 - 1;
      const cy = 2 + Math.floor(t / g.columns) * cellH + cellH / 2 - 1;
      expect(filterAtPoint(cx / grid.width, cy / grid.height, g, tiles), `tile ${t}`).toBe(Math.floor(t / g.perFilter));
    }
    // Past the last tile: nothing.
    if (g.count < g.columns * g.rows) expect(filterAtPoint(0.999, 0.999, g, tiles)).toBeUndefined();
    expect(filterAtPoint(1.5, 0.5, g, tiles)).toBeUndefined();
    return g;
  }

  it('maps clicks to filters in every mode', () => {
    expect(check(3, 3, 3, 32, 'auto', true)).toEqual({ columns: 6, rows: 6, count: 32, perFilter: 1 });
    check(3, 3, 3, 32, 'rgb', true);
    check(3, 3, 16, 24, 'mean', false);
    expect(check(3, 3, 5, 7, 'per-input', false)).toEqual({ columns: 5, rows: 7, count: 35, perFilter: 5 });
    // more than 64 inputs: a filter's tiles wrap over rows
    expect(check(1, 1, 70, 3, 'per-input', false)).toEqual({ columns: 64, rows: 4, count: 210, perFilter: 70 });
    // over 1024 tiles: the engine stops drawing
    expect(check(1, 1, 32, 40, 'per-input', false)).toMatchObject({ count: 1024, columns: 32, rows: 32 });
  });

  it('boxes the selected filter', () => {
    const g = { columns: 4, rows: 2, count: 8, perFilter: 1 };
    expect(filterBox(5, g)).toEqual({ left: 0.25, top: 0.5, width: 0.25, height: 0.5 });
    expect(filterBox(8, g)).toBeUndefined();
    expect(filterBox(1, { columns: 5, rows: 7, count: 35, perFilter: 5 })).toEqual({ left: 0, top: 1 / 7, width: 1, height: 1 / 7 });
  });
});

describe('saliency option controls', () => {
  const layers: LayerInfo[] = [
    { name: 'dense', type: 'Dense', outputShape: [10], params: 0, isConv: false },
    { name: 'conv1', type: 'Conv2D', outputShape: [26, 26, 8], params: 0, isConv: true },
    { name: 'conv2', type: 'Conv2D', outputShape: [11, 11, 16], params: 0, isConv: true },
  ];
  const byName = (name: string) => methodInfo(attributionMethod(name));

  it('draws each option of the engine’s schema as its control, labelled and ranged from the schema', () => {
    const ig = optionControls(byName('integrated-gradients'), layers);
    const igSpec = byName('integrated-gradients').options;
    expect(ig.map((c) => [c.key, c.kind, c.label])).toEqual(Object.entries(igSpec).map(([k, s]) => [k, s.type === 'choice' ? 'dropdown' : 'number', s.label]));
    const steps = ig.find((c) => c.key === 'steps')!;
    expect(steps).toMatchObject({ kind: 'number', integer: true, step: 1, min: igSpec.steps!.min, max: igSpec.steps!.max });
    expect(steps.title).toContain(igSpec.steps!.hint);
    expect(steps.title).toContain(String(igSpec.steps!.max));
    expect(ig.find((c) => c.key === 'baseline')).toMatchObject({ kind: 'number', integer: false, step: 'any' });
    expect(ig.find((c) => c.key === 'rule')).toMatchObject({ kind: 'dropdown', choices: igSpec.rule!.choices!.map((c) => ({ value: c, label: c })) });
    // Grad-CAM's layer: the model's own default first, then conv layers before the others.
    const cam = optionControls(byName('gradcam'), layers)[0]!;
    expect(cam.kind === 'dropdown' && cam.choices.map((c) => c.value)).toEqual([defaultLayerChoice, 'conv1', 'conv2', 'dense']);
    expect(optionControls({ options: { name: { type: 'string', cliFlag: 'x', label: 'Name', hint: 'h' } } }, [])[0]).toMatchObject({ kind: 'text', title: 'h' });
    expect(optionControls(byName('vanilla'), layers)).toEqual([]);
  });

  it('reads field text against the schema: numbers in range, whole numbers for int, known choices', () => {
    const spec: OptionSpec = { type: 'int', default: 50, min: 1, max: 100, cliFlag: 'n', label: 'Steps', hint: '' };
    expect(parseOptionValue(spec, ' 20 ')).toEqual({ value: 20 });
    expect(parseOptionValue(spec, '100')).toEqual({ value: 100 });
    for (const bad of ['0', '101', '2.5', 'abc', '', 'Infinity']) expect(parseOptionValue(spec, bad)).toHaveProperty('error');
    // Without a schema default the option may be left out: an empty field sends nothing.
    expect(parseOptionValue({ ...spec, default: undefined }, '')).toEqual({ value: undefined });
    expect(parseOptionValue({ ...spec, type: 'number', min: 0, max: undefined }, '0.15')).toEqual({ value: 0.15 });
    expect(parseOptionValue({ ...spec, type: 'number', min: 0, max: undefined }, '-0.1')).toEqual({ error: 'Steps: at least 0' });
    const choice: OptionSpec = { type: 'choice', choices: ['logit', 'probability'], cliFlag: 'c', label: 'Score', hint: '' };
    expect(parseOptionValue(choice, 'probability')).toEqual({ value: 'probability' });
    expect(parseOptionValue(choice, 'softmax')).toHaveProperty('error');
    expect(parseOptionValue({ type: 'layer', cliFlag: 'l', label: 'Layer', hint: '' }, defaultLayerChoice)).toEqual({ value: undefined });
  });

  it('shows the user’s value, else the extension’s default; assembles only valid values of the checked methods for a run', () => {
    expect(shownValue('window', { window: 4 }, { window: 16 })).toBe('4');
    expect(shownValue('window', undefined, { window: 16 })).toBe('16');
    expect(shownValue('layer', undefined, {})).toBe('');
    let chosen = withOption({}, 'occlusion', 'window', 4);
    chosen = withOption(chosen, 'smoothgrad', 'samples', 10);
    chosen = withOption(chosen, 'gradcam', 'layer', 'conv1');
    chosen = withOption(chosen, 'gradcam', 'layer', undefined); // back to the default: not sent
    expect(chosen).toEqual({ occlusion: { window: 4 }, smoothgrad: { samples: 10 } });
    const infos = attributionMethods().map((d) => methodInfo(d));
    expect(runOptions(['occlusion'], chosen, infos)).toEqual({ occlusion: { window: 4 } });
    // Values a schema does not have or no longer accepts are dropped (the default applies).
    expect(runOptions(['occlusion', 'smoothgrad'], { occlusion: { window: 0, nonsense: 3 }, smoothgrad: { samples: 10, base: 'guided' } }, infos)).toEqual({ smoothgrad: { samples: 10, base: 'guided' } });
  });
});
