import * as tf from '../tf';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfconv from '@tensorflow/tfjs-converter';
import * as path from 'node:path';
import { UserError } from '../errors';
import { readModelArtifacts } from './readArtifacts';
import { readModelConfig, sidecarPath, type ModelConfig, type Preprocessing } from './preprocessing';
import type { InputShape, LoadedModel } from './loadedModel';
import { forwardLayersModel, allLayers } from './layersForward';
import { forwardGraphModel, summarizeGraph } from './graphForward';
import { summarizeLayers } from './summary';

export interface ConfigOverrides {
  preprocessing?: Partial<Preprocessing>;
  labels?: string[];
}

/** Loads a TF.js layers or graph model from its model.json, with its sidecar config. */
export async function loadModel(modelJsonPath: string, overrides: ConfigOverrides = {}): Promise<LoadedModel> {
  const file = path.resolve(modelJsonPath);
  const artifacts = readModelArtifacts(file);
  const config = mergeConfig(readModelConfig(file), overrides);
  const topology = artifacts.modelTopology as Record<string, unknown>;
  const isGraph = artifacts.format === 'graph-model' || Array.isArray(topology.node);
  const model = await (isGraph ? loadGraph(file, artifacts, config) : loadLayers(file, artifacts, config));
  try {
    checkPreprocessing(model);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Per-channel statistics must fit the model's input channels. */
function checkPreprocessing(model: LoadedModel): void {
  const { mean, std } = model.config.preprocessing;
  const channels = model.inputShape.channels;
  for (const [name, values] of [['mean', mean], ['std', std]] as const) {
    if (values && values.length !== 1 && values.length !== channels) {
      throw new UserError(`${sidecarPath(model.file)} or --${name}: ${name} has ${values.length} values but the model's input has ${channels} channel(s)`);
    }
  }
}

function mergeConfig(config: ModelConfig, o: ConfigOverrides): ModelConfig {
  return { ...config, preprocessing: { ...config.preprocessing, ...o.preprocessing }, labels: o.labels ?? config.labels };
}

async function loadLayers(file: string, artifacts: tf.io.ModelArtifacts, config: ModelConfig): Promise<LoadedModel> {
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true });
  } catch (e) {
    throw explainLoadError(file, e);
  }
  const inputShape = imageInputShape(file, model.inputs[0]?.shape ?? []);
  const layers = summarizeLayers(model);
  const byName = new Map(allLayers(model).filter((l) => l.getClassName() !== 'InputLayer').map((l) => [l.name, l]));
  return {
    file,
    kind: 'layers',
    inputShape,
    config,
    numClasses: lastDim(model.outputs[0]?.shape ?? []),
    layers,
    forward: (x, options) => {
      for (const name of [...(options?.capture ?? []), ...(options?.replace ? [options.replace.layer] : [])]) requireLayer(file, byName, name);
      return forwardLayersModel(model, x, options);
    },
    kernel: (name) => {
      const layer = requireLayer(file, byName, name);
      const weights = layer.getWeights();
      if (!layers.find((l) => l.name === name)?.isConv || !weights[0] || weights[0].rank !== 4) {
        throw new UserError(`${file}: layer '${name}' (${layer.getClassName()}) has no convolution kernel; conv layers: ${layers.filter((l) => l.isConv).map((l) => l.name).join(', ')}`);
      }
      return weights[0] as tf.Tensor4D;
    },
    dispose: () => model.dispose(),
  };
}

async function loadGraph(file: string, artifacts: tf.io.ModelArtifacts, config: ModelConfig): Promise<LoadedModel> {
  let model: tfconv.GraphModel;
  try {
    model = await tfconv.loadGraphModel(tf.io.fromMemory(artifacts));
  } catch (e) {
    throw explainLoadError(file, e);
  }
  const inputShape = imageInputShape(file, model.inputs[0]?.shape ?? []);
  return {
    file,
    kind: 'graph',
    inputShape,
    config,
    numClasses: lastDim(model.outputs[0]?.shape ?? []),
    layers: summarizeGraph(model),
    forward: (x, options) => forwardGraphModel(file, model, x, options),
    kernel: () => {
      throw new UserError(`${file}: a graph model has no layer names; filters need a layers model`);
    },
    dispose: () => model.dispose(),
  };
}

export function requireLayer<T>(file: string, byName: Map<string, T>, name: string): T {
  const layer = byName.get(name);
  if (!layer) throw new UserError(`${file}: no layer named '${name}'; valid layers: ${[...byName.keys()].join(', ')}`);
  return layer;
}

function imageInputShape(file: string, shape: (number | null)[]): InputShape {
  const [, h, w, c] = shape;
  if (shape.length !== 4 || !h || !w || (c !== 1 && c !== 3)) {
    throw new UserError(`${file}: input shape [${shape.map((d) => d ?? 'null').join(', ')}] is not an image; ConvScope needs [batch, height, width, 1 or 3]`);
  }
  return { height: h, width: w, channels: c };
}

function lastDim(shape: (number | null)[]): number {
  return shape[shape.length - 1] ?? 0;
}

/** TF.js load errors are long and generic; keep the useful part and name the file. */
function explainLoadError(file: string, e: unknown): UserError {
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  const unknown = /Unknown (?:layer|activation|initializer|regularizer|constraint): (\w+)/.exec(msg);
  if (unknown) return new UserError(`${file}: unknown layer type '${unknown[1]}' (TensorFlow.js layers does not implement it)`);
  if (/shape|weight/i.test(msg)) return new UserError(`${file}: weights do not match the model's layers: ${msg}`);
  return new UserError(`${file}: cannot load the model: ${msg}`);
}
