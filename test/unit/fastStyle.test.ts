// Fast style transfer: the transform net keeps any size (multiple of 4), style-apply is one forward
// pass, one training step's weight gradients on wasm match the cpu backend, training lowers the
// style loss, a resumed run equals an uninterrupted one, a stop keeps a checkpoint, and nothing
// leaks. The feature network is the tests' small seeded CNN; content images are the bundled photos.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { buildTransformNet, stylize } from '../../src/engine/synthesis/fastStyle/transformNet';
import { trainingBatch, readContentImages } from '../../src/engine/synthesis/fastStyle/contentImages';
import { contentFeatures, perceptualLoss, type PerceptualLossSpec } from '../../src/engine/synthesis/fastStyle/perceptualLoss';
import { trainStyleNetwork, type StyleTrainOptions, type TrainingControl } from '../../src/engine/synthesis/fastStyle/training';
import { loadStyleNetwork } from '../../src/engine/synthesis/fastStyle/styleNetwork';
import { applyStyleNetwork } from '../../src/engine/synthesis/fastStyle/applyStyle';
import { gramTargets } from '../../src/engine/synthesis/styleLoss';
import { decodeImageFile } from '../../src/engine/image/decodeImage';
import { displayOf } from '../../src/engine/synthesis/imageSpace';
import { smallReluCnn } from './support/tinyModels';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
const photos = path.join(root, 'samples/photos');
const scream = path.join(root, 'samples/styles/scream.jpg');
const tiny = { size: 32, batch: 2, width: 4, residualBlocks: 1, contentLayer: 'c2', styleLayers: ['c1', 'c2'], checkpointEvery: 2 } satisfies Partial<StyleTrainOptions>;

let featureNet: LoadedModel;
beforeAll(async () => {
  await useWasm();
  const small = await smallReluCnn();
  small.input.dispose();
  featureNet = small.model;
});
afterAll(() => {
  featureNet.dispose();
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

const madeDirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convscope-style-'));
  madeDirs.push(dir);
  return path.join(dir, 'net');
};
const control = (over: Partial<TrainingControl> = {}): TrainingControl => ({ progress: () => {}, signal: new AbortController().signal, ...over });
const weightsOf = (file: string) => readFileSync(path.join(path.dirname(file), 'group1-shard1of1.bin'));

describe('transform network', () => {
  it('maps an image to one of the same size at any multiple of 4, in [0, 1]', () => {
    const net = buildTransformNet({ width: 4, residualBlocks: 1 });
    for (const [h, w] of [[8, 8], [12, 20], [36, 16]] as const) {
      const y = tf.tidy(() => stylize(net, tf.randomUniform([2, h, w, 3]) as tf.Tensor4D));
      expect(y.shape).toEqual([2, h, w, 3]);
      const [lo, hi] = tf.tidy(() => [tf.min(y).dataSync()[0]!, tf.max(y).dataSync()[0]!]);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      y.dispose();
    }
    net.dispose();
  });

  it('stylizes a batch exactly as its images one by one (≤ 1e-5), also after the wasm heap has grown', () => {
    // Instance normalization takes a separate path for one image ([C] operands) and for batches.
    const net = buildTransformNet({ width: 4, residualBlocks: 1 }, 5);
    const x = tf.tidy(() => tf.randomUniform([3, 16, 24, 3], 0, 1, 'float32', 7) as tf.Tensor4D);
    const compare = () => {
      const batched = tf.tidy(() => stylize(net, x).dataSync());
      for (let i = 0; i < 3; i++) {
        const one = tf.tidy(() => stylize(net, tf.slice(x, [i, 0, 0, 0], [1, 16, 24, 3])).dataSync());
        const offset = i * one.length;
        expect(Math.max(...Array.from(one, (v, j) => Math.abs(v - batched[offset + j]!)))).toBeLessThanOrEqual(1e-5);
      }
    };
    compare();
    // A large pass grows the heap (and moves every later allocation).
    tf.tidy(() => stylize(net, tf.zeros([1, 512, 512, 3]) as tf.Tensor4D).dataSync());
    compare();
    x.dispose();
    net.dispose();
  });

  it('one training step: weight gradients on wasm (our kernels) match the cpu backend to ≤ 1e-4 relative', async () => {
    const net = buildTransformNet({ width: 4, residualBlocks: 1 }, 3);
    const vars = net.trainableWeights.map((w) => w.read() as tf.Variable);
    const { images } = readContentImages(photos);
    const style = displayOf(featureNet, decodeImageFile(scream), 32, true);
    const grams = gramTargets(featureNet, style, ['c1', 'c2'], 'softmax');
    const spec: PerceptualLossSpec = { featureNet, contentLayer: 'c2', styleLayers: ['c1', 'c2'], styleGrams: grams, smoothing: 'softmax', contentWeight: 1, styleWeight: 100, tvWeight: 1 };
    const gradients = () =>
      tf.tidy(() => {
        const batch = trainingBatch(images.map((i) => i.image), 32, 2, 0, 0);
        const targets = contentFeatures(spec, batch);
        const { grads } = tf.variableGrads(() => perceptualLoss(spec, net.apply(batch, { training: true }) as tf.Tensor4D, targets).total, vars);
        return vars.map((v) => Array.from(grads[v.name]!.dataSync()));
      });
    const wasm = gradients();
    await tf.setBackend('cpu');
    let cpu: number[][];
    try {
      cpu = gradients();
    } finally {
      await tf.setBackend('wasm');
    }
    expect(wasm.length).toBe(net.trainableWeights.length);
    const norm = (g: number[]) => Math.sqrt(g.reduce((s, v) => s + v * v, 0));
    const largest = Math.max(...cpu.map(norm));
    let compared = 0;
    wasm.forEach((g, i) => {
      const ref = cpu[i]!;
      const diff = norm(g.map((v, j) => v - ref[j]!));
      // The β of a normalization whose output only reaches later convs through another
      // normalization has a true gradient of exactly 0 (a per-channel shift survives a reflection-
      // padded conv as a shift, which the next normalization removes): both backends give rounding
      // noise there, compared against the largest gradient instead.
      if (norm(ref) < 1e-5 * largest) {
        expect(diff, net.trainableWeights[i]!.name).toBeLessThanOrEqual(1e-4 * largest);
        return;
      }
      compared += 1;
      expect(diff / norm(ref), net.trainableWeights[i]!.name).toBeLessThanOrEqual(1e-4);
    });
    // Every conv kernel and all but the dead β's were compared relatively.
    expect(compared).toBeGreaterThanOrEqual(net.trainableWeights.length - 2);
    tf.dispose([style, ...grams.values()]);
    net.dispose();
  });
});

describe('style-train', () => {
  it('lowers the style loss, writes a style network that style-apply loads, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const out = freshDir();
    const r = await trainStyleNetwork(featureNet, { ...tiny, style: scream, contentDir: photos, outModel: out, steps: 30, learningRate: 0.01 }, control());
    expect(tf.memory().numTensors).toBe(before);
    expect(r.stepsDone).toBe(30);
    expect(r.curve).toHaveLength(30);
    const firstStyle = (r.curve[0]!.style + r.curve[1]!.style) / 2;
    expect(r.record.finalLosses.style).toBeLessThan(0.5 * firstStyle);
    expect(r.record.contentImages).toEqual(['astronaut.jpg', 'chelsea.png', 'coffee.jpg', 'rocket.jpg']);
    const sidecar = JSON.parse(readFileSync(path.join(out, 'model.convscope.json'), 'utf8'));
    expect(sidecar.styleNetwork.stepsDone).toBe(30);
    const net = await loadStyleNetwork(path.join(out, 'model.json'));
    const applied = await applyStyleNetwork(net, decodeImageFile(path.join(photos, 'chelsea.png')), 50);
    // 50 × 33 (chelsea is 451 × 300) rounded to multiples of 4.
    expect([applied.width, applied.height]).toEqual([52, 32]);
    expect([applied.image.width, applied.image.height, applied.image.channels]).toEqual([52, 32, 3]);
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('style-apply is one forward pass: every conv of the network runs exactly once', async () => {
    const out = freshDir();
    await trainStyleNetwork(featureNet, { ...tiny, style: scream, contentDir: photos, outModel: out, steps: 1 }, control());
    const net = await loadStyleNetwork(path.join(out, 'model.json'));
    const convLayers = net.net.layers.filter((l) => l.getClassName() === 'Conv2D').length;
    const profile = await tf.profile(async () => {
      await applyStyleNetwork(net, decodeImageFile(path.join(photos, 'coffee.jpg')), 40);
    });
    expect(profile.kernels.filter((k) => /Conv2D$/.test(k.name) && !/Backprop/.test(k.name)).length).toBe(convLayers);
    net.dispose();
  });

  it('a run stopped and resumed ends with the same weights as one uninterrupted run', async () => {
    const straight = freshDir();
    await trainStyleNetwork(featureNet, { ...tiny, style: scream, contentDir: photos, outModel: straight, steps: 4 }, control());
    const split = freshDir();
    const stop = new AbortController();
    const first = await trainStyleNetwork(featureNet, { ...tiny, style: scream, contentDir: photos, outModel: split, steps: 4 }, control({ stop: stop.signal, onStep: (p) => p.step === 3 && stop.abort() }));
    expect(first.stopped).toBe(true);
    expect(first.stepsDone).toBe(3);
    // The stop wrote a checkpoint after step 3 (checkpoints every 2 steps would have left step 2).
    expect(JSON.parse(readFileSync(path.join(split, 'model.convscope.json'), 'utf8')).styleNetwork.stepsDone).toBe(3);
    const resumed = await trainStyleNetwork(featureNet, { ...tiny, style: scream, contentDir: photos, outModel: split, steps: 4, resume: true }, control());
    expect(resumed.resumedFrom).toBe(3);
    expect(resumed.curve.map((p) => p.step)).toEqual([1, 2, 3, 4]);
    expect(weightsOf(path.join(split, 'model.json')).equals(weightsOf(path.join(straight, 'model.json')))).toBe(true);
  });

  it('a cancel keeps the last checkpoint on disk and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const out = freshDir();
    const abort = new AbortController();
    await expect(trainStyleNetwork(featureNet, { ...tiny, style: scream, contentDir: photos, outModel: out, steps: 10 }, control({ signal: abort.signal, onStep: (p) => p.step === 3 && abort.abort() }))).rejects.toThrow(/cancel/i);
    expect(tf.memory().numTensors).toBe(before);
    expect(JSON.parse(readFileSync(path.join(out, 'model.convscope.json'), 'utf8')).styleNetwork.stepsDone).toBe(2);
  });

  it('refuses bad input with one clear line', async () => {
    const run = (o: Partial<StyleTrainOptions>) => trainStyleNetwork(featureNet, { ...tiny, style: scream, contentDir: photos, outModel: freshDir(), steps: 1, ...o }, control());
    const empty = mkdtempSync(path.join(tmpdir(), 'convscope-empty-'));
    madeDirs.push(empty);
    writeFileSync(path.join(empty, 'broken.png'), 'not a png');
    await expect(run({ contentDir: empty })).rejects.toThrow(/no readable image.*1 could not be decoded/);
    await expect(run({ style: path.join(empty, 'missing.jpg') })).rejects.toThrow(/missing\.jpg/);
    await expect(run({ style: path.join(empty, 'broken.png') })).rejects.toThrow(/broken\.png/);
    await expect(run({ styleLayers: ['logits'] })).rejects.toThrow(/'logits' has no spatial output/);
    await expect(run({ size: 30 })).rejects.toThrow(/multiple of 4/);
    const used = freshDir();
    await run({ outModel: used });
    await expect(run({ outModel: used })).rejects.toThrow(/not empty.*--resume/);
    await expect(run({ outModel: used, resume: true, tvWeight: 3 })).rejects.toThrow(/other settings \(tvWeight: 100 there, 3 now\)/);
    await expect(run({ outModel: freshDir(), resume: true })).rejects.toThrow(/holds no style-train checkpoint/);
  });

  it('style-apply refuses a model without the style-network sidecar, naming the file', async () => {
    const out = freshDir();
    await trainStyleNetwork(featureNet, { ...tiny, style: scream, contentDir: photos, outModel: out, steps: 1 }, control());
    expect(existsSync(path.join(out, 'model.convscope.json'))).toBe(true);
    await expect(loadStyleNetwork(featureNet.file)).rejects.toThrow(new RegExp(`${featureNet.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a style network: no model\\.convscope\\.json`));
  });
});
