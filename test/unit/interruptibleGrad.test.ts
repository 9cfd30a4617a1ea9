import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { autodiffRule } from '../../src/engine/model/backwardRules';
import { deconvnetRule } from '../../src/engine/methods/deconvnet';
import { guidedRule } from '../../src/engine/methods/guidedBackprop';
import { inputGradient } from '../../src/engine/methods/inputGradient';
import { interruptibleGrad, interruptibleInputGradient } from '../../src/engine/methods/interruptibleGrad';
import { CancelledError } from '../../src/engine/methods/types';
import { saveToTempDir, seedWeights, seededValues } from './support/tinyModels';
import { useWasm } from './support/backend';

// The cancellable backward pass must give tf.grad's numbers exactly (same gradient functions in
// the same order), free everything on a cancel, and leave tfjs' tape as it found it.

const target = { kind: 'class' as const, index: 1 };
const live = new AbortController().signal;
let model: LoadedModel;
let x: tf.Tensor4D;

beforeAll(async () => {
  await useWasm();
  // Branches that meet again (concatenate, add), batch norm, depthwise and average pooling: tensors
  // whose gradient comes from several consumers, and the layer kinds of InceptionV3 and MobileNetV2.
  const input = tfl.input({ shape: [10, 10, 3] });
  const c1 = tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }).apply(input) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'bn' }).apply(c1) as tfl.SymbolicTensor;
  const dw = tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu', name: 'dw' }).apply(bn) as tfl.SymbolicTensor;
  const pool = tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same', name: 'avg' }).apply(bn) as tfl.SymbolicTensor;
  const max = tfl.layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same', name: 'max' }).apply(c1) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([dw, pool]) as tfl.SymbolicTensor;
  const cat = tfl.layers.concatenate({ name: 'cat' }).apply([sum, max]) as tfl.SymbolicTensor;
  const relu = tfl.layers.reLU({ name: 'relu' }).apply(cat) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(relu) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, name: 'logits' }).apply(gap) as tfl.SymbolicTensor;
  const net = tfl.model({ inputs: input, outputs: out });
  seedWeights(net, 5);
  const bnLayer = net.getLayer('bn');
  // Seeded values can be negative: a variance must not be.
  tf.tidy(() => bnLayer.setWeights(bnLayer.getWeights().map((w, i) => (i === 3 ? tf.add(tf.abs(w), 0.5) : w))));
  model = await loadModel(await saveToTempDir(net));
  net.dispose();
  x = tf.tensor4d(seededValues(3, 2 * 10 * 10 * 3, 1), [2, 10, 10, 3]);
});

it.each([autodiffRule, guidedRule, deconvnetRule].map((r) => [r.name, r] as const))('gives exactly what tf.grad gives (%s ReLUs), and frees what it made', async (_name, relu) => {
  const expected = inputGradient(model, x, target, relu);
  const before = tf.memory().numTensors;
  const got = await interruptibleInputGradient(model, x, target, relu, live);
  expect(tf.memory().numTensors).toBe(before + 1);
  expect(got.shape).toEqual(expected.shape);
  const [a, b] = [got.dataSync(), expected.dataSync()];
  expect(Array.from(a)).toEqual(Array.from(b));
  expect(b.every(Number.isFinite)).toBe(true);
  expect(Math.max(...Array.from(b, (v) => Math.abs(v)))).toBeGreaterThan(0);
  tf.dispose([got, expected]);
});

it('a cancel during the backward pass rejects, leaks nothing and leaves the tape clean', async () => {
  const before = tf.memory().numTensors;
  const abort = new AbortController();
  let nodes = 0;
  // Abort once a few gradient nodes have run: sliceMs 0 looks for a cancel before every node.
  const f = (xi: tf.Tensor) => tf.sum(tf.relu(tf.mul(tf.sin(xi), tf.square(xi))));
  const watcher = setImmediate(function tick() {
    if (++nodes === 3) abort.abort();
    else setImmediate(tick);
  });
  await expect(interruptibleGrad(f, x, abort.signal, 0)).rejects.toBeInstanceOf(CancelledError);
  clearImmediate(watcher);
  expect(tf.memory().numTensors).toBe(before);
  expect((tf.engine() as unknown as { state: { activeTape: unknown; gradientDepth: number } }).state).toMatchObject({ activeTape: null, gradientDepth: 0 });
  // tfjs' own gradient still works afterwards.
  const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.square(xi)))(x);
  expect(Array.from(g.dataSync())).toEqual(Array.from(x.dataSync(), (v) => 2 * v));
  g.dispose();
});

it('yields to the event loop during a long backward pass', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const g = await interruptibleGrad((xi) => {
    let h = xi;
    for (let i = 0; i < 200; i++) h = tf.tanh(tf.add(h, 0.01));
    return tf.sum(h);
  }, x, live, 0);
  clearInterval(timer);
  g.dispose();
  expect(ticks).toBeGreaterThan(10);
});
