// Partial forward passes (ForwardOptions.stopAtCaptured), which synthesis uses so that a channel
// renders at any size: the sub-model is cached per set of layers, so check it gives what the
// full pass gives — values and gradients, first and cached calls, with a backward rule, on a layers
// model and a graph model — and that it takes inputs of other sizes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { guidedRule } from '../../src/engine/methods/guidedBackprop';
import { writeTinyGraphModel } from '../fixtures/tinyGraphModel';
import { smallReluCnn } from './support/tinyModels';
import { useWasm } from './support/backend';

let layers: { model: LoadedModel; input: tf.Tensor4D };
let graph: LoadedModel;
beforeAll(async () => {
  await useWasm();
  layers = await smallReluCnn();
  graph = await loadModel(writeTinyGraphModel(mkdtempSync(path.join(tmpdir(), 'convscope-partial-'))).file);
});
afterAll(() => {
  layers.model.dispose();
  layers.input.dispose();
  graph.dispose();
});

const values = (t: tf.Tensor) => Array.from(t.dataSync());

function captured(model: LoadedModel, x: tf.Tensor4D, names: string[], stop: boolean): number[][] {
  return tf.tidy(() => {
    const f = model.forward(x, { capture: names, stopAtCaptured: stop });
    return names.map((n) => values(f.captured.get(n)!));
  });
}

describe('a partial forward pass', () => {
  it('captures what the full pass captures, on the first and on a cached call, and leaves no tensor behind', () => {
    const { model, input } = layers;
    const full = captured(model, input, ['c1', 'c2'], false);
    const before = tf.memory().numTensors;
    expect(captured(model, input, ['c1', 'c2'], true)).toEqual(full);
    expect(captured(model, input, ['c2', 'c1'], true)).toEqual([full[1], full[0]]);
    expect(captured(model, input, ['c1'], true)).toEqual([full[0]]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same gradient as the full pass, also under a backward rule', () => {
    const { model, input } = layers;
    for (const relu of [undefined, guidedRule]) {
      const grad = (stop: boolean) => tf.tidy(() => values(tf.grad((x: tf.Tensor) => tf.sum(model.forward(x as tf.Tensor4D, { capture: ['c2'], stopAtCaptured: stop, relu }).captured.get('c2')!))(input)));
      const full = grad(false);
      expect(full.some((v) => v !== 0)).toBe(true);
      expect(grad(true)).toEqual(full);
    }
  });

  it('takes an input of another size than the model\'s, and stops at the layer', () => {
    const { model } = layers;
    const big = tf.ones([1, 20, 28, 3]) as tf.Tensor4D;
    const shape = tf.tidy(() => model.forward(big, { capture: ['c2'], stopAtCaptured: true }).captured.get('c2')!.shape);
    expect(shape).toEqual([1, 10, 14, 8]);
    big.dispose();
  });

  it('on a graph model asks the executor for the captured node alone, with the same values', () => {
    const x = tf.tensor4d(Array.from({ length: 8 * 8 * 3 }, (_, i) => (i % 7) / 7), [1, 8, 8, 3]);
    expect(captured(graph, x, ['conv/Relu'], true)).toEqual(captured(graph, x, ['conv/Relu'], false));
    x.dispose();
  });
});
