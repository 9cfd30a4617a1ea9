// A trained style network on disk: a plain TF.js layers model (model.json + shards; instance
// normalization is the engine's registered custom layer) whose sidecar model.convscope.json holds
// a "styleNetwork" record of how it was trained. The record is what marks it a style network.
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '../../tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../../errors';
import '../../model/instanceNormalization';
import '../../model/reflectionPadding';
import { readModelConfig, sidecarPath, type Preprocessing } from '../../model/preprocessing';
import { openModelSource } from '../../model/modelSource';
import { readModelArtifacts } from '../../model/readArtifacts';
import { explainLoadError, loadWithoutLeaks } from '../../model/loaders/tfjsCommon';
import { fileSaveHandler } from '../../model/writeLayersModel';
import type { TransformNetShape } from './transformNet';

/** How a style network was trained (the sidecar's "styleNetwork"). */
export interface StyleNetworkRecord {
  /** The style image's file name and content hash. */
  style: string;
  styleSha256: string;
  /** The feature network of the perceptual loss (file name) and its layers. */
  featureNetwork: string;
  contentLayer: string;
  styleLayers: string[];
  smoothing: string;
  contentWeight: number;
  styleWeight: number;
  tvWeight: number;
  styleScale: number;
  /** Random shift (pixels) of the stylized batch before the feature network. */
  jitter: number;
  /** Training crops' side, batch size, Adam's step size, seed. */
  size: number;
  batch: number;
  learningRate: number;
  seed: number;
  shape: TransformNetShape;
  /** Content images trained on (file names) and how they were augmented. */
  contentImages: string[];
  augmentation: string;
  stepsDone: number;
  trainingSeconds: number;
  /** Mean of the last steps' loss parts (see training.ts). */
  finalLosses: { content: number; style: number; tv: number; total: number };
}

/** Display pixels in [0, 1] go in and come out. */
const styleNetPreprocessing: Preprocessing = { inputRange: [0, 1], channelOrder: 'rgb' };

export interface StyleNetwork {
  file: string;
  net: tfl.LayersModel;
  record: StyleNetworkRecord;
  dispose(): void;
}

/** Loads a style network, refusing a model whose sidecar does not mark it as one. */
export async function loadStyleNetwork(modelFile: string): Promise<StyleNetwork> {
  const file = path.resolve(modelFile);
  const source = openModelSource(file);
  const config = readModelConfig(file);
  if (!config.styleNetwork) {
    const sidecar = sidecarPath(file);
    throw new UserError(`${file}: not a style network: ${existsSync(sidecar) ? `${path.basename(sidecar)} has no "styleNetwork" record` : `no ${path.basename(sidecar)} beside it`} (style-train writes both)`);
  }
  const { artifacts, kind } = readModelArtifacts(source);
  if (kind !== 'layers') throw new UserError(`${file}: a style network must be a TF.js layers model, this is a ${kind} model`);
  let net: tfl.LayersModel;
  try {
    net = await loadWithoutLeaks(() => tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true }), () => []);
  } catch (e) {
    throw explainLoadError(file, e, artifacts.weightSpecs);
  }
  const inShape = net.inputs[0]?.shape ?? [];
  const outShape = (net.outputs[0]?.shape ?? []) as (number | null)[];
  if (inShape.length !== 4 || inShape[3] !== 3 || outShape.length !== 4 || outShape[3] !== 3) {
    net.dispose();
    throw new UserError(`${file}: a style network maps [N, H, W, 3] images to [N, H, W, 3] images; this one maps [${inShape.join(', ')}] to [${outShape.join(', ')}]`);
  }
  return { file, net, record: config.styleNetwork as unknown as StyleNetworkRecord, dispose: () => net.dispose() };
}

/** Writes model.json, its shard and the sidecar with the record into `dir`. */
export async function saveStyleNetwork(dir: string, net: tfl.LayersModel, record: StyleNetworkRecord): Promise<void> {
  await net.save(fileSaveHandler(dir));
  const sidecar = { description: `Style network (fast style transfer) for ${record.style}: ${record.stepsDone} training steps at ${record.size}² through ${record.featureNetwork}.`, preprocessing: styleNetPreprocessing, styleNetwork: record };
  writeFileSync(sidecarPath(path.join(dir, 'model.json')), JSON.stringify(sidecar, null, 2) + '\n');
}
