// The shared objectives, checked by hand against plain-array computations on a small model's
// captured activations, per sample of a batch of two.
import { beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { channelMean, classScore, neuron, evaluateObjective, featureDistance, gramDistance, gramMatrices, layerL2, weightedSum } from '../../src/engine/objectives';
import { useWasm } from './support/backend';
import { saveToTempDir, seededValues, seedWeights } from './support/tinyModels';

let model: LoadedModel;
let x: tf.Tensor4D;
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b)));

beforeAll(async () => {
  await useWasm();
  const net = tfl.sequential({ layers: [
    tfl.layers.conv2d({ inputShape: [6, 6, 3], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }),
    tfl.layers.globalAveragePooling2d({ name: 'gap' }),
    tfl.layers.dense({ units: 4, name: 'logits' }),
  ] });
  seedWeights(net, 7);
  model = await loadModel(await saveToTempDir(net));
  net.dispose();
  x = tf.tensor4d(seededValues(3, 2 * 6 * 6 * 3, 1), [2, 6, 6, 3]);
});

/** The c1 activations of both samples as [n][position][channel]. */
function activations(input: tf.Tensor4D = x): number[][][] {
  const a = tf.tidy(() => model.forward(input, { capture: ['c1'] }).captured.get('c1')!.arraySync() as number[][][][]);
  return a.map((rows) => rows.flat());
}

function score(o: Parameters<typeof evaluateObjective>[2]): number[] {
  const t = evaluateObjective(model, x, o);
  try {
    return Array.from(t.dataSync());
  } finally {
    t.dispose();
  }
}

it('class score and channel mean', () => {
  const logits = tf.tidy(() => model.forward(x).logits.arraySync());
  score(classScore(2)).forEach((v, n) => close(v, logits[n]![2]!));
  const a = activations();
  score(channelMean('c1', 1)).forEach((v, n) => close(v, a[n]!.reduce((s, p) => s + p[1]!, 0) / 36));
});

it('neuron: one channel at the centre or a given position', () => {
  const a = activations();
  // 6×6 grid: the centre is (3, 3), position 3·6 + 3 = 21.
  score(neuron('c1', 2)).forEach((v, n) => close(v, a[n]![21]![2]!));
  score(neuron('c1', 0, { y: 1, x: 4 })).forEach((v, n) => close(v, a[n]![1 * 6 + 4]![0]!));
});

it('layer L2 and feature distance', () => {
  const a = activations();
  score(layerL2('c1')).forEach((v, n) => close(v, a[n]!.flat().reduce((s, q) => s + q * q, 0) / (36 * 3)));
  const other = tf.tidy(() => tf.reverse(x, 0) as tf.Tensor4D);
  const target = tf.tidy(() => model.forward(other, { capture: ['c1'] }).captured.get('c1')!);
  const b = activations(other);
  score(featureDistance('c1', target)).forEach((v, n) => {
    const d = a[n]!.flat().reduce((s, q, i) => s + (q - b[n]!.flat()[i]!) ** 2, 0) / (36 * 3);
    close(v, d);
  });
  tf.dispose([other, target]);
});

it('Gram matrices and Gram distance', () => {
  const a = activations();
  const gramByHand = (n: number) => [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[n]!.reduce((s, p) => s + p[i]! * p[j]!, 0) / 36));
  const grams = tf.tidy(() => gramMatrices(model.forward(x, { capture: ['c1'] }).captured.get('c1')!).arraySync());
  grams.forEach((g, n) => g.forEach((row, i) => row.forEach((v, j) => close(v, gramByHand(n)[i]![j]!))));
  const target = tf.tensor2d(gramByHand(0));
  const scores = score(gramDistance('c1', target));
  close(scores[0]!, 0);
  const byHand = gramByHand(1).flat().reduce((s, v, k) => s + (v - gramByHand(0).flat()[k]!) ** 2, 0) / 9;
  close(scores[1]!, byHand);
  target.dispose();
});

it('objectives compose, and leave no tensors behind', () => {
  const before = tf.memory().numTensors;
  const l2 = score(layerL2('c1'));
  const mean = score(channelMean('c1', 0));
  const sum = weightedSum([{ weight: 2, objective: layerL2('c1') }, { weight: -0.5, objective: channelMean('c1', 0) }]);
  expect(sum.layers).toEqual(['c1']);
  score(sum).forEach((v, n) => close(v, 2 * l2[n]! - 0.5 * mean[n]!));
  expect(tf.memory().numTensors).toBe(before);
});
