import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { attributionMethod, attributionMethodNames } from '../../src/engine/methods/catalog';
import { predict } from '../../src/engine/methods/predict';
import { activations } from '../../src/engine/methods/activations';
import { filters } from '../../src/engine/methods/filters';
import { gram } from '../../src/engine/methods/gram';
import { readReference, referenceFile } from './support/reference';
import { useWasm } from './support/backend';

const noop = () => {};
const signal = new AbortController().signal;
let model: LoadedModel;
let x: tf.Tensor4D;

beforeAll(async () => {
  await useWasm();
  model = await loadModel(referenceFile('model_a/model/model.json'));
  x = tf.tensor4d(readReference('model_a', 'radial_bar', 'input.json').x.data, [1, 32, 32, 3]);
});

const options: Record<string, object> = { smoothgrad: { samples: 3 }, 'integrated-gradients': { steps: 5 }, occlusion: { window: 8, stride: 8 } };

it.each(attributionMethodNames())('%s leaves tf.memory().numTensors unchanged, for a class and a neuron target', async (name) => {
  for (const target of [{ kind: 'class' }, { kind: 'neuron', layer: 'conv2', channel: 1 }]) {
    const before = tf.memory().numTensors;
    const r = await attributionMethod(name).run({ model, input: x, progress: noop, signal }, { ...options[name], target });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.map.data.every(Number.isFinite)).toBe(true);
  }
});

it('predict, activations, filters and gram leave no tensors behind', async () => {
  const before = tf.memory().numTensors;
  await predict(model, x, {}, noop, signal);
  await activations(model, x, { layer: 'pool1' }, noop, signal);
  await filters(model, x, { layer: 'conv2' }, noop, signal);
  await gram(model, x, { layer: 'relu1' }, noop, signal);
  expect(tf.memory().numTensors).toBe(before);
});

it('a failing method (unknown layer) leaves no tensors behind either', async () => {
  const before = tf.memory().numTensors;
  await expect(attributionMethod('gradcam').run({ model, input: x, progress: noop, signal }, { layer: 'nope' })).rejects.toThrow(/no layer named 'nope'; valid layers: conv1, relu1/);
  await expect(activations(model, x, { layer: 'nope' }, noop, signal)).rejects.toThrow(/valid layers/);
  expect(tf.memory().numTensors).toBe(before);
});
