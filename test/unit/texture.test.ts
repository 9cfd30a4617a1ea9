// Texture synthesis (Gatys et al. 2015) on the bundled digits model: the relative Gram loss and the
// softmax smoothing by hand, every chosen layer's Gram loss falling at least 100× on a small case,
// the output size independent of the texture's, and bad sizes and weights refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { decodeImageFile } from '../../src/engine/image/decodeImage';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { gramTargets, gramTerms, smoothFeatures } from '../../src/engine/synthesis/styleLoss';
import { parseLayerWeights, parseSize, textureMethod } from '../../src/engine/synthesis/texture';
import { displayOf } from '../../src/engine/synthesis/imageSpace';
import { toModelInput } from '../../src/engine/synthesis/imageSpace';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
let model: LoadedModel;
beforeAll(async () => {
  await useWasm();
  model = await loadModel(path.join(root, 'models/mnist-cnn/model.json'));
});
afterAll(() => model.dispose());

const digit = () => ({ file: 'digit-0.png', raw: decodeImageFile(path.join(root, 'samples/digits/digit-0.png')) });
const signal = new AbortController().signal;

describe('Gram loss terms', () => {
  it("are ‖G(x̂) − G‖² / ‖G‖² per layer, by hand from the layer's activations", () => {
    const target = displayOf(model, digit().raw);
    const other = tf.tidy(() => tf.reverse(target, 2) as tf.Tensor4D);
    const grams = gramTargets(model, target, ['conv1'], 'none');
    const [term] = gramTerms(grams, new Map([['conv1', 2]]), 'none');
    expect(term!.weight).toBe(-2);
    const got = tf.tidy(() => term!.objective.score(model.forward(toModelInput(other, model.config.preprocessing), { capture: ['conv1'] })).dataSync()[0]!);
    const byHand = tf.tidy(() => {
      const gramOf = (x: tf.Tensor4D) => {
        const a = model.forward(toModelInput(x, model.config.preprocessing), { capture: ['conv1'] }).captured.get('conv1')!.arraySync() as number[][][][];
        const F = a[0]!.flat();
        const C = F[0]!.length;
        return Array.from({ length: C }, (_, i) => Array.from({ length: C }, (_, j) => F.reduce((s, p) => s + p[i]! * p[j]!, 0) / F.length));
      };
      const G = gramOf(target);
      const Gx = gramOf(other);
      const num = G.flat().reduce((s, g, k) => s + (Gx.flat()[k]! - g) ** 2, 0);
      const den = G.flat().reduce((s, g) => s + g * g, 0);
      return num / den;
    });
    expect(Math.abs(got - byHand)).toBeLessThanOrEqual(1e-4 * byHand);
    tf.dispose([target, other, ...grams.values()]);
  });

  it('softmax smoothing makes each position a distribution over the channels', () => {
    const a = tf.tensor4d([1, 2, 3, 0, 0, 0], [1, 1, 2, 3]);
    const s = Array.from(smoothFeatures('softmax')(a).dataSync());
    const e = [1, 2, 3].map(Math.exp);
    const z = e.reduce((x, y) => x + y, 0);
    e.forEach((v, i) => expect(s[i]).toBeCloseTo(v / z, 6));
    [3, 4, 5].forEach((i) => expect(s[i]).toBeCloseTo(1 / 3, 6));
    a.dispose();
  });
});

describe('texture', () => {
  it('lowers the Gram loss of every chosen layer by at least 100×, at a size of its own, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const out = await textureMethod.run({ model, image: digit(), progress: () => {}, signal }, { layers: ['conv1', 'conv2'], size: '40x24', steps: 600 });
    expect(tf.memory().numTensors).toBe(before);
    expect([out.image.width, out.image.height]).toEqual([40, 24]);
    const perLayer = out.extra!.perLayer as Array<{ layer: string; gramLossStart: number; gramLossEnd: number }>;
    expect(perLayer.map((p) => p.layer)).toEqual(['conv1', 'conv2']);
    for (const p of perLayer) expect(p.gramLossEnd, p.layer).toBeLessThan(p.gramLossStart / 100);
  });

  it('refuses bad sizes and weights with the flag named', () => {
    expect(parseSize('256')).toEqual({ width: 256, height: 256 });
    expect(parseSize('384x256')).toEqual({ width: 384, height: 256 });
    expect(() => parseSize('4')).toThrow(/--size must be S or WxH with sides from 8 to 2048; got '4'/);
    expect(() => parseSize('big')).toThrow(/--size/);
    expect([...parseLayerWeights(['a', 'b'], '1,3')]).toEqual([['a', 1], ['b', 3]]);
    expect([...parseLayerWeights(['a', 'b'], '2')]).toEqual([['a', 2], ['b', 2]]);
    expect(() => parseLayerWeights(['a', 'b'], '1,2,3')).toThrow(/--layer-weight must be 2 non-negative numbers/);
  });
});
