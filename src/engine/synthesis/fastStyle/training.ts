// style-train: a transform network learns one style through the perceptual loss of a feature
// network (Johnson et al. 2016), with checkpoints it can resume from and a stop that keeps them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '../../tf';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../../errors';
import type { LoadedModel } from '../../model/loadedModel';
import { CancelledError, type ProgressFn } from '../../methods/types';
import { requireLayers } from '../layers';
import { jitter } from '../transforms';
import { seededUniform } from '../../methods/seededNoise';
import { defaultContentLayer, styleDisplay } from '../style';
import { gramTargets, type Smoothing } from '../styleLoss';
import { defaultTextureLayers } from '../texture';
import { hasCheckpoint, readCheckpoint, writeCheckpoint, type TrainingPoint, type TrainingSettings, type TrainingState } from './checkpoint';
import { augmentation, readContentImages, trainingBatch } from './contentImages';
import { contentFeatures, perceptualLoss, type PerceptualLossSpec } from './perceptualLoss';
import { loadStyleNetwork, type StyleNetworkRecord } from './styleNetwork';
import { buildTransformNet, defaultTransformNetShape } from './transformNet';
import { WeightAdam } from './weightAdam';

export interface StyleTrainOptions {
  style: string;
  contentDir: string;
  outModel: string;
  size?: number;
  steps?: number;
  batch?: number;
  checkpointEvery?: number;
  learningRate?: number;
  seed?: number;
  contentLayer?: string;
  styleLayers?: string[];
  contentWeight?: number;
  styleWeight?: number;
  tvWeight?: number;
  styleScale?: number;
  smoothing?: Smoothing;
  width?: number;
  residualBlocks?: number;
  /** Each step, the stylized batch and its sources are cropped at the same random offset of up to this many pixels. */
  jitter?: number;
  /** Continue the checkpoint in outModel (same settings; --steps may grow). */
  resume?: boolean;
}

/**
 * Weights chosen on the shipped networks (InceptionV3, 192² crops of the bundled photos): at style
 * weight 100 the photo disappears under the style within 300 steps; TV 100 (TV of a photo is ~0.005)
 * damps the fine grain the net otherwise paints; Adam 0.002 converges in the ~1,500 steps an hour allows.
 */
export const styleTrainDefaults = { size: 256, steps: 1000, batch: 2, checkpointEvery: 50, learningRate: 2e-3, seed: 0, contentWeight: 1, styleWeight: 30, tvWeight: 100, styleScale: 1, jitter: 2, smoothing: 'softmax' as Smoothing };

export interface TrainingControl {
  progress: ProgressFn;
  /** Cancel: end now; the last checkpoint stays on disk. */
  signal: AbortSignal;
  /** Stop: end after this step and write a checkpoint. */
  stop?: AbortSignal;
  /** Called after every step with its losses. */
  onStep?: (point: TrainingPoint) => void;
  /** Called after every checkpoint with the network as saved (e.g. to preview it). */
  onCheckpoint?: (net: tfl.LayersModel, step: number) => void;
}

export interface TrainingResult {
  outModel: string;
  stepsDone: number;
  stepsAsked: number;
  resumedFrom: number;
  stopped: boolean;
  curve: TrainingPoint[];
  record: StyleNetworkRecord;
  skipped: { file: string; reason: string }[];
}

export async function trainStyleNetwork(featureNet: LoadedModel, options: StyleTrainOptions, control: TrainingControl): Promise<TrainingResult> {
  const o = { ...styleTrainDefaults, ...options };
  const settings = trainingSettings(featureNet, o);
  const dir = path.resolve(o.outModel);
  if (o.resume && !hasCheckpoint(dir)) throw new UserError(`--resume: ${dir} holds no style-train checkpoint`);
  if (!o.resume && existsSync(dir) && readdirSync(dir).length > 0) throw new UserError(`--out-model ${dir}: the folder is not empty${hasCheckpoint(dir) ? ' (it holds a checkpoint: add --resume to continue it)' : ''}; choose a new folder`);
  const { images, skipped } = readContentImages(o.contentDir);
  settings.contentImages = images.map((i) => path.relative(path.resolve(o.contentDir), i.file));
  const styleImage = styleDisplay(featureNet, o.style, o.size, o.styleScale);
  const styleGrams = gramTargets(featureNet, styleImage, settings.styleLayers, o.smoothing);
  styleImage.dispose();
  const spec: PerceptualLossSpec = { featureNet, contentLayer: settings.contentLayer, styleLayers: settings.styleLayers, styleGrams, smoothing: o.smoothing, contentWeight: o.contentWeight, styleWeight: o.styleWeight, tvWeight: o.tvWeight };

  let net: tfl.LayersModel;
  let state: TrainingState = { version: 1, settings, step: 0, seconds: 0, curve: [], adamSteps: 0 };
  let adam: WeightAdam;
  if (o.resume) {
    const saved = readCheckpoint(dir, settings);
    net = (await loadStyleNetwork(path.join(dir, 'model.json'))).net;
    adam = new WeightAdam(trainableVariables(net), o.learningRate);
    if (!adam.restore(saved.adam)) throw new UserError(`${dir}: the checkpoint's optimizer state does not fit its network`);
    state = saved.state;
  } else {
    mkdirSync(dir, { recursive: true });
    net = buildTransformNet(settings.shape, o.seed);
    adam = new WeightAdam(trainableVariables(net), o.learningRate);
  }
  const resumedFrom = state.step;
  const record = () => ({ ...settings, stepsDone: state.step, trainingSeconds: Math.round(state.seconds), finalLosses: finalLosses(state.curve) });
  const save = async () => {
    await writeCheckpoint(dir, net, record(), state, adam.state());
    control.onCheckpoint?.(net, state.step);
  };
  let stopped = false;
  try {
    const vars = trainableVariables(net);
    while (state.step < o.steps) {
      if (control.signal.aborted) throw new CancelledError();
      const started = performance.now();
      const point = trainingStep(net, vars, adam, spec, images.map((i) => i.image), o, state.step);
      state.step += 1;
      state.seconds += (performance.now() - started) / 1000;
      const p = { step: state.step, ...point, seconds: +state.seconds.toFixed(2) };
      state.curve.push(p);
      control.onStep?.(p);
      control.progress({ fraction: state.step / o.steps, message: `style-train: step ${state.step}/${o.steps}, loss ${p.total.toPrecision(4)} (content ${p.content.toPrecision(3)}, style ${p.style.toPrecision(3)})` });
      if (control.stop?.aborted) {
        stopped = state.step < o.steps;
        break;
      }
      if (state.step % o.checkpointEvery === 0 && state.step < o.steps) await save();
      // Lets a stop or cancel from the event loop (a signal, a request) arrive between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (state.step > resumedFrom || !o.resume) await save();
    return { outModel: dir, stepsDone: state.step, stepsAsked: o.steps, resumedFrom, stopped, curve: state.curve, record: record(), skipped };
  } finally {
    adam.dispose();
    net.dispose();
    tf.dispose([...styleGrams.values()]);
  }
}

/** One step: a batch of crops → stylized → perceptual loss → Adam on the transform net's weights. */
function trainingStep(net: tfl.LayersModel, vars: tf.Variable[], adam: WeightAdam, spec: PerceptualLossSpec, images: Parameters<typeof trainingBatch>[0], o: typeof styleTrainDefaults, step: number): Omit<TrainingPoint, 'step' | 'seconds'> {
  const batch = trainingBatch(images, o.size, o.batch, o.seed, step);
  // Transformation robustness (as Lucid's jitter): the feature network sees the result shifted by a
  // random few pixels, so the net cannot satisfy it with patterns tied to the feature network's
  // stride-2 grid (without it: a fine diagonal grain over every result).
  const shift = jitter(o.jitter)(seededUniform(((o.seed + 1) * 7_654_321 + step * 104_729) >>> 0));
  const targets = tf.tidy(() => contentFeatures(spec, shift(batch)));
  let parts: tf.Scalar[] = [];
  try {
    const { value, grads } = tf.variableGrads(() => {
      const stylized = net.apply(batch, { training: true }) as tf.Tensor4D;
      const loss = perceptualLoss(spec, shift(stylized), targets);
      parts = [tf.keep(loss.content), tf.keep(loss.style), tf.keep(loss.tv)];
      return loss.total;
    }, vars);
    adam.apply(vars.map((v) => grads[v.name]!));
    const [content, style, tv] = parts.map((t) => t.dataSync()[0]!);
    const total = value.dataSync()[0]!;
    tf.dispose([value, ...Object.values(grads)]);
    if (!Number.isFinite(total)) throw new Error(`style-train: the loss became ${total} at step ${step + 1}`);
    return { content: content!, style: style!, tv: tv!, total };
  } finally {
    tf.dispose([batch, targets, ...parts]);
  }
}

/** What the run is, as recorded beside the network and checked on resume. */
function trainingSettings(featureNet: LoadedModel, o: StyleTrainOptions & typeof styleTrainDefaults): TrainingSettings {
  for (const [name, v, min] of [['--size', o.size, 16], ['--steps', o.steps, 1], ['--batch', o.batch, 1], ['--checkpoint-every', o.checkpointEvery, 1]] as const) {
    if (!Number.isInteger(v) || v < min) throw new UserError(`${name} must be an integer ≥ ${min}, got ${v}`);
  }
  if (o.size % 4 !== 0) throw new UserError(`--size must be a multiple of 4 (the network halves it twice), got ${o.size}`);
  const contentLayer = o.contentLayer ?? defaultContentLayer(featureNet);
  const styleLayers = requireLayers(featureNet, o.styleLayers ?? defaultTextureLayers(featureNet));
  requireLayers(featureNet, [contentLayer]);
  let styleBytes: Buffer;
  try {
    styleBytes = readFileSync(o.style);
  } catch (e) {
    throw new UserError(`--style ${o.style}: cannot read the style image (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return {
    style: path.basename(o.style),
    styleSha256: createHash('sha256').update(styleBytes).digest('hex'),
    featureNetwork: path.join(path.basename(path.dirname(featureNet.file)), path.basename(featureNet.file)),
    contentLayer,
    styleLayers,
    smoothing: o.smoothing,
    contentWeight: o.contentWeight,
    styleWeight: o.styleWeight,
    tvWeight: o.tvWeight,
    styleScale: o.styleScale,
    jitter: o.jitter,
    size: o.size,
    batch: o.batch,
    learningRate: o.learningRate,
    seed: o.seed,
    shape: { width: o.width ?? defaultTransformNetShape.width, residualBlocks: o.residualBlocks ?? defaultTransformNetShape.residualBlocks },
    contentImages: [],
    augmentation,
  };
}

function trainableVariables(net: tfl.LayersModel): tf.Variable[] {
  return net.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** The loss parts averaged over the last 20 steps (one step's batch is noisy). */
function finalLosses(curve: readonly TrainingPoint[]): StyleNetworkRecord['finalLosses'] {
  const tail = curve.slice(-20);
  const mean = (k: 'content' | 'style' | 'tv' | 'total') => (tail.length ? +(tail.reduce((s, p) => s + p[k], 0) / tail.length).toPrecision(5) : NaN);
  return { content: mean('content'), style: mean('style'), tv: mean('tv'), total: mean('total') };
}
