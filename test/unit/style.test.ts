// Style transfer (Gatys et al. 2016) on the bundled digits model: the content loss by hand, a blend
// with weights (1, 0) equal to the single style, the style scale sizing the style image, the losses
// reported at start and end, and nothing left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { contentTerm } from '../../src/engine/synthesis/styleLoss';
import { styleBlend, styleDisplay, styleMethod, type StyleOptions } from '../../src/engine/synthesis/style';
import { displayOf } from '../../src/engine/synthesis/imageSpace';
import { toModelInput } from '../../src/engine/synthesis/imageSpace';
import { decodeImageFile } from '../../src/engine/image/decodeImage';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
const digitFile = (d: number) => path.join(root, `samples/digits/digit-${d}.png`);
let model: LoadedModel;
beforeAll(async () => {
  await useWasm();
  model = await loadModel(path.join(root, 'models/mnist-cnn/model.json'));
});
afterAll(() => model.dispose());

const signal = new AbortController().signal;
const run = (o: StyleOptions) => styleMethod.run({ model, progress: () => {}, signal }, { contentLayer: 'conv2', styleLayers: ['conv1', 'conv2'], size: 28, steps: 20, ...o });

describe('style transfer', () => {
  it('content loss is ‖φ(x̂) − φ(c)‖² / ‖φ(c)‖², by hand, and 0 at the content itself', () => {
    const content = displayOf(model, decodeImageFile(digitFile(0)));
    const other = displayOf(model, decodeImageFile(digitFile(2)));
    const { term, target } = contentTerm(model, content, 'conv2', 'none', 3);
    expect(term.weight).toBe(-3);
    const feats = (x: tf.Tensor4D) => tf.tidy(() => Array.from(model.forward(toModelInput(x, model.config.preprocessing), { capture: ['conv2'] }).captured.get('conv2')!.dataSync()));
    const [a, b] = [feats(other), feats(content)];
    const byHand = a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / b.reduce((s, v) => s + v * v, 0);
    const score = (x: tf.Tensor4D) => tf.tidy(() => term.objective.score(model.forward(toModelInput(x, model.config.preprocessing), { capture: ['conv2'] })).dataSync()[0]!);
    expect(Math.abs(score(other) - byHand)).toBeLessThanOrEqual(1e-4 * byHand);
    expect(score(content)).toBeLessThan(1e-10);
    tf.dispose([content, other, target]);
  });

  it('lowers the style loss from the content start, reports both losses, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const out = await run({ content: digitFile(0), styles: [digitFile(2)], steps: 60, smoothing: 'none' });
    expect(tf.memory().numTensors).toBe(before);
    const d = out.details as Record<string, number>;
    expect(d.contentLossStart).toBeLessThan(1e-10);
    expect(d.styleLossEnd).toBeLessThan(0.5 * d.styleLossStart);
    expect(d.contentLossEnd).toBeGreaterThan(0);
    expect([out.image.width, out.image.height]).toEqual([28, 28]);
  });

  it('a blend with weights (1, 0) gives the single style image exactly; (0, 1) the other', async () => {
    const single = await run({ content: digitFile(0), styles: [digitFile(2)] });
    const blended = await run({ content: digitFile(0), styles: [digitFile(2), digitFile(4)], styleWeights: '1,0' });
    expect(Buffer.from(blended.image.data).equals(Buffer.from(single.image.data))).toBe(true);
    expect(blended.details.styleLossEnd).toBeCloseTo(single.details.styleLossEnd as number, 10);
    const other = await run({ content: digitFile(0), styles: [digitFile(2), digitFile(4)], styleWeights: '0,1' });
    expect(Buffer.from(other.image.data).equals(Buffer.from(single.image.data))).toBe(false);
    expect(styleBlend(2, '3,1')).toEqual([0.75, 0.25]);
    expect(() => styleBlend(2, '0,0')).toThrow(/--style-weight must be 2 non-negative numbers, not all 0/);
  });

  it('style scale sizes the style image relative to the content before its Grams are taken', () => {
    const half = styleDisplay(model, digitFile(2), 28, 0.5);
    const twice = styleDisplay(model, digitFile(2), 28, 2);
    expect(half.shape).toEqual([1, 14, 14, 1]);
    expect(twice.shape).toEqual([1, 56, 56, 1]);
    tf.dispose([half, twice]);
  });
});
