// style-train and style-apply: commands that open their models themselves (a style network is not
// a model to inspect, and style-train writes one), so they start from a backend, not a session.
import * as path from 'node:path';
import type { BackendInfo } from '../backend';
import { UserError } from '../errors';
import { decodeImageFile } from '../image/decodeImage';
import { loadModel } from '../model/loadModel';
import { applyStyleNetwork } from '../synthesis/fastStyle/applyStyle';
import { loadStyleNetwork } from '../synthesis/fastStyle/styleNetwork';
import { styleTrainDefaults, trainStyleNetwork, type StyleTrainOptions } from '../synthesis/fastStyle/training';
import type { Smoothing } from '../synthesis/styleLoss';
import { choiceFlag, numberFlag, requireFlag, type Flags } from './args';
import type { CommandOutput } from './commandTypes';
import { bundledFeatureNetwork } from './synthesisCommand';

export interface StandaloneContext {
  backend: BackendInfo;
  flags: Flags;
  progress: (p: { fraction: number; message: string }) => void;
  signal: AbortSignal;
  stop: AbortSignal;
  announce: (line: string) => void;
}

type StandaloneCommand = (ctx: StandaloneContext) => Promise<CommandOutput>;

function header(backend: BackendInfo, model: string): Record<string, unknown> {
  return { backend: backend.name, backendPackage: backend.package, backendSkipped: backend.skipped, tfjs: backend.tfjsVersion, model };
}

const styleApply: StandaloneCommand = async ({ backend, flags }) => {
  const modelFile = requireFlag(flags, 'model', '(the model.json of a style network written by style-train)');
  const imageFile = requireFlag(flags, 'image', '(the photo to stylize: PNG, JPEG or BMP)');
  const size = numberFlag(flags, 'size', { integer: true, min: 4, max: 4096 });
  const net = await loadStyleNetwork(modelFile);
  try {
    const r = await applyStyleNetwork(net, decodeImageFile(imageFile), size);
    const text = `style-apply ${imageFile}: ${r.width}×${r.height} in ${r.milliseconds.toFixed(0)} ms (style ${net.record.style}, ${net.record.stepsDone} training steps)`;
    return { text, json: { ...header(backend, net.file), image: imageFile, width: r.width, height: r.height, milliseconds: +r.milliseconds.toFixed(1), styleNetwork: net.record }, png: r.image };
  } finally {
    net.dispose();
  }
};

const styleTrain: StandaloneCommand = async ({ backend, flags, progress, signal, stop, announce }) => {
  const styles = (flags.style as string[] | undefined) ?? [];
  if (styles.length !== 1) throw new UserError(`style-train needs exactly one --style <image> (got ${styles.length})`);
  const options: StyleTrainOptions = {
    style: styles[0]!,
    contentDir: requireFlag(flags, 'content-dir', '(a folder of photos to train on)'),
    outModel: requireFlag(flags, 'out-model', '(the folder to write the style network and its checkpoints into)'),
    size: numberFlag(flags, 'size', { integer: true, min: 16, max: 1024 }),
    steps: numberFlag(flags, 'steps', { integer: true, min: 1, max: 1_000_000 }),
    batch: numberFlag(flags, 'batch', { integer: true, min: 1, max: 64 }),
    checkpointEvery: numberFlag(flags, 'checkpoint-every', { integer: true, min: 1 }),
    learningRate: numberFlag(flags, 'learning-rate', { min: 0, max: 1 }),
    seed: numberFlag(flags, 'seed', { integer: true, min: 0 }),
    contentLayer: typeof flags['content-layer'] === 'string' ? flags['content-layer'] : undefined,
    styleLayers: flags['style-layer'] as string[] | undefined,
    contentWeight: numberFlag(flags, 'content-weight', { min: 0 }),
    styleWeight: numberFlag(flags, 'style-weight-total', { min: 0 }),
    tvWeight: numberFlag(flags, 'tv-weight', { min: 0 }),
    styleScale: numberFlag(flags, 'style-scale', { min: 0.05, max: 8 }),
    smoothing: choiceFlag(flags, 'smoothing', ['none', 'softmax'] as Smoothing[]),
    width: numberFlag(flags, 'net-width', { integer: true, min: 1, max: 256 }),
    residualBlocks: numberFlag(flags, 'residual-blocks', { integer: true, min: 0, max: 16 }),
    jitter: numberFlag(flags, 'jitter', { integer: true, min: 0, max: 64 }),
    resume: flags.resume === true,
  };
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as StyleTrainOptions;
  const featureFile = typeof flags.model === 'string' ? flags.model : bundledFeatureNetwork;
  const featureNet = await loadModel(featureFile);
  try {
    const o = { ...styleTrainDefaults, ...defined };
    announce(`style-train: ${o.steps} steps × batch ${o.batch} at ${o.size}² through ${path.basename(path.dirname(featureNet.file))}; Ctrl-C stops and keeps a checkpoint (twice: cancel)`);
    const r = await trainStyleNetwork(featureNet, defined, { progress, signal, stop });
    const last = r.record.finalLosses;
    const text = [
      `style-train: ${r.stepsDone} of ${r.stepsAsked} steps${r.resumedFrom ? ` (resumed at ${r.resumedFrom})` : ''}${r.stopped ? ' (stopped early)' : ''} in ${r.record.trainingSeconds} s → ${r.outModel}`,
      `losses (mean of the last 20 steps)  total ${last.total}  content ${last.content}  style ${last.style}  tv ${last.tv}`,
    ].join('\n');
    const warnings = r.skipped.map((s) => `skipped ${s.file}: ${s.reason}`);
    return { text, json: { ...header(backend, featureNet.file), outModel: r.outModel, stepsDone: r.stepsDone, stepsAsked: r.stepsAsked, resumedFrom: r.resumedFrom, stopped: r.stopped, styleNetwork: r.record, curve: r.curve, skipped: r.skipped }, warnings };
  } finally {
    featureNet.dispose();
  }
};

/** Commands that start from a backend alone; the ones with a picture for --out are marked. */
export const standaloneCommands: Record<string, StandaloneCommand> = { 'style-apply': styleApply, 'style-train': styleTrain };
export const standaloneCommandsWithImages: ReadonlySet<string> = new Set(['style-apply']);
/** Commands whose first Ctrl-C stops with a partial result rather than cancels. */
export const stoppableStandaloneCommands: ReadonlySet<string> = new Set(['style-train']);
