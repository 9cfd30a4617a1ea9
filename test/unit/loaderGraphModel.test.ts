import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { UserError } from '../../src/engine/errors';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { predict } from '../../src/engine/methods/predict';
import { activations } from '../../src/engine/methods/activations';
import { vanillaGradient } from '../../src/engine/methods/vanillaGradient';
import { guidedBackprop } from '../../src/engine/methods/guidedBackprop';
import { deconvnet } from '../../src/engine/methods/deconvnet';
import { writeTinyGraphModel, type TinyGraphModel } from '../fixtures/tinyGraphModel';
import { maxAbs } from './support/reference';
import { useWasm } from './support/backend';

// A hand-written TF.js graph model (Placeholder → Conv2D → BiasAdd → Relu → Mean → MatMul →
// BiasAdd) checked against the same computation done with tf ops directly.

const noop = () => {};
const signal = new AbortController().signal;

let tmp: string;
let g: TinyGraphModel;
let model: LoadedModel;

beforeAll(async () => {
  await useWasm();
  tmp = mkdtempSync(path.join(tmpdir(), 'convscope-graph-'));
  g = writeTinyGraphModel(tmp);
  model = await loadModel(g.file);
});

afterAll(() => {
  model?.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** The same network written with tf ops: the reference. */
function direct(x: tf.Tensor4D): { relu: tf.Tensor4D; logits: tf.Tensor2D } {
  const w = g.weights;
  const filter = tf.tensor4d(w.filter.data, w.filter.shape);
  const relu = tf.relu(tf.add(tf.conv2d(x, filter, 1, 'same'), tf.tensor1d(w.convBias.data))) as tf.Tensor4D;
  const logits = tf.add(tf.matMul(tf.mean(relu, [1, 2]) as tf.Tensor2D, tf.tensor2d(w.kernel.data, w.kernel.shape)), tf.tensor1d(w.bias.data)) as tf.Tensor2D;
  return { relu, logits };
}

/** A fixed input with positive and negative pre-activations. */
function input(seed = 7): tf.Tensor4D {
  return tf.randomUniform([1, g.size, g.size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
}

async function userError(run: () => Promise<unknown>): Promise<string> {
  const e = await run().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UserError);
  const message = (e as Error).message;
  expect(message).not.toContain('\n');
  return message;
}

describe('a hand-written TF.js graph model', () => {
  it('loads as a graph model with an image input and knows its class count', () => {
    expect(model.kind).toBe('graph');
    expect(model.inputShape).toEqual({ height: g.size, width: g.size, channels: 3 });
    expect(model.numClasses).toBe(g.classes);
    expect(model.layers.map((l) => l.name)).toContain('conv/Conv2D');
  });

  it('forward logits match the direct tf computation (batch of 1 and of 3)', () => {
    for (const n of [1, 3]) {
      const x = tf.randomUniform([n, g.size, g.size, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
      const [got, want] = tf.tidy(() => [model.forward(x).logits, direct(x).logits]);
      expect(got.shape).toEqual([n, g.classes]);
      expect(maxAbs(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
      tf.dispose([x, got, want]);
    }
  });

  it('predict gives the direct logits and probabilities that sum to 1, leaving no tensor behind', async () => {
    const x = input();
    const before = tf.memory().numTensors;
    const p = await predict(model, x, { topK: 3 }, noop, signal);
    expect(tf.memory().numTensors).toBe(before);
    const want = tf.tidy(() => direct(x).logits);
    expect(maxAbs(p.logits.data, want.dataSync())).toBeLessThan(1e-5);
    expect(p.probabilities.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    tf.dispose([x, want]);
  });

  it('vanilla gradient equals tf.grad of the direct computation, for the top class and another', async () => {
    const x = input();
    const top = tf.tidy(() => tf.argMax(direct(x).logits, 1).dataSync()[0]!);
    for (const index of [undefined, (top + 1) % g.classes]) {
      const before = tf.memory().numTensors;
      const r = await vanillaGradient(model, x, { target: { kind: 'class', index } }, noop, signal);
      expect(tf.memory().numTensors).toBe(before);
      const k = index ?? top;
      expect(r.target).toEqual({ kind: 'class', index: k });
      expect(r.attribution.shape).toEqual([g.size, g.size, 3]);
      expect(r.map.shape).toEqual([g.size, g.size]);
      const want = tf.tidy(() => tf.grad((xi: tf.Tensor) => tf.sum(tf.slice(direct(xi as tf.Tensor4D).logits, [0, k], [1, 1])))(x));
      const wantData = want.dataSync();
      expect(maxAbs(r.attribution.data, wantData)).toBeLessThan(1e-6);
      // Not trivially zero, and the map is max |gradient| over channels.
      expect(Math.max(...Array.from(wantData, Math.abs))).toBeGreaterThan(1e-4);
      for (let p = 0; p < g.size * g.size; p++) {
        expect(r.map.data[p]).toBeCloseTo(Math.max(...[0, 1, 2].map((c) => Math.abs(wantData[p * 3 + c]!))), 6);
      }
      want.dispose();
    }
    x.dispose();
  });

  it('vanilla gradient agrees with a central finite difference of the loaded model', async () => {
    const x = input(3);
    const k = 1;
    const r = await vanillaGradient(model, x, { target: { kind: 'class', index: k } }, noop, signal);
    const base = x.dataSync();
    const score = (data: Float32Array) => tf.tidy(() => model.forward(tf.tensor4d(data, x.shape)).logits.dataSync()[k]!);
    const h = 1e-2;
    for (const i of [0, 37, 100, base.length - 1]) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i]! += h;
      minus[i]! -= h;
      const fd = (score(plus) - score(minus)) / (2 * h);
      expect(Math.abs(r.attribution.data[i]! - fd)).toBeLessThan(2e-3);
    }
    x.dispose();
  });

  it('guided backprop and deconvnet refuse with one clear line, leaving no tensor behind', async () => {
    const x = input();
    for (const method of [guidedBackprop, deconvnet]) {
      const before = tf.memory().numTensors;
      const message = await userError(() => method(model, x, { target: { kind: 'class', index: 0 } }, noop, signal));
      expect(message).toContain(g.file);
      expect(message).toMatch(/(guided backprop|deconvnet) needs a layers model/);
      expect(tf.memory().numTensors).toBe(before);
    }
    x.dispose();
  });

  it('activations: a Keras layer name is a clear error; a node name works', async () => {
    const x = input();
    const message = await userError(() => activations(model, x, { layer: 'conv1' }, noop, signal));
    expect(message).toContain(g.file);
    expect(message).toMatch(/no node named 'conv1'; nodes include: conv\/Conv2D, conv\/Relu, dense\/MatMul$/);

    const before = tf.memory().numTensors;
    const a = await activations(model, x, { layer: 'conv/Relu' }, noop, signal);
    expect(tf.memory().numTensors).toBe(before);
    const want = tf.tidy(() => direct(x).relu);
    expect(a.activation.shape).toEqual([1, g.size, g.size, g.channels]);
    expect(maxAbs(a.activation.data, want.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, want]);
  });

  it('filters refuse with one clear line', () => {
    expect(() => model.kernel('conv/Conv2D')).toThrow(UserError);
    expect(() => model.kernel('conv/Conv2D')).toThrow(/graph model has no layer names/);
  });
});

describe('bad graph models give one clear error and leave no tensor behind', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Json = any;
  let count = 0;
  function mutated(mutate: (json: Json, file: string) => void): string {
    const { file } = writeTinyGraphModel(path.join(tmp, `bad${++count}`));
    const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
    mutate(json, file);
    writeFileSync(file, JSON.stringify(json));
    return file;
  }
  const node = (json: Json, name: string): Json => json.modelTopology.node.find((n: Json) => n.name === name);
  const dims = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });

  it.each<[string, (json: Json, file: string) => void, RegExp]>([
    ['an op TF.js does not know', (j: Json) => (node(j, 'conv/Relu').op = 'Frobnicate'), /cannot load the model: Unknown op 'Frobnicate'/],
    // The shard loses dense/bias's 5 floats too: a shard longer than its manifest is refused.
    ['a Const without weights', (j: Json, f: string) => (j.weightsManifest[0].weights.pop(), truncateSync(path.join(path.dirname(f), 'group1-shard1of1.bin'), 536)), /Missing the following inputs: \[dense\/bias\]/],
    ['an input without fixed height and width', (j: Json) => (node(j, 'input').attr.shape.shape = dims(-1, -1, -1, 3)), /input shape \[-1, -1, -1, 3\] has no fixed height and width/],
    ['a vector input', (j: Json) => (node(j, 'input').attr.shape.shape = dims(-1, 10)), /input shape \[-1, 10\] is not an image/],
    ['an input without a shape', (j: Json) => void delete node(j, 'input').attr.shape, /input shape \[\] is not an image/],
  ])('%s', async (_name, mutate, pattern) => {
    const file = mutated(mutate);
    const before = tf.memory().numTensors;
    const message = await userError(() => loadModel(file));
    expect(message).toContain(file);
    expect(message).toMatch(pattern);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loading and disposing a good graph model leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const m = await loadModel(writeTinyGraphModel(path.join(tmp, 'again')).file);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
