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
  const { artifacts, kind } = readModelArtifacts(file);
  const config = mergeConfig(readModelConfig(file), overrides);
  const model = await (kind === 'graph' ? loadGraph(file, artifacts, config) : loadLayers(file, artifacts, config));
  try {
    checkPreprocessing(model);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Per-channel statistics must fit the model's input channels, and labels its outputs. */
function checkPreprocessing(model: LoadedModel): void {
  const { mean, std } = model.config.preprocessing;
  const channels = model.inputShape.channels;
  for (const [name, values] of [['mean', mean], ['std', std]] as const) {
    if (values && values.length !== 1 && values.length !== channels) {
      throw new UserError(`${sidecarPath(model.file)} or --${name}: ${name} has ${values.length} values but the model's input has ${channels} channel(s)`);
    }
  }
  const labels = model.config.labels;
  if (labels && labels.length !== model.numClasses) {
    throw new UserError(`${sidecarPath(model.file)} or --labels: ${labels.length} labels for a model with ${model.numClasses} outputs`);
  }
}

function mergeConfig(config: ModelConfig, o: ConfigOverrides): ModelConfig {
  return { ...config, preprocessing: { ...config.preprocessing, ...o.preprocessing }, labels: o.labels ?? config.labels };
}

async function loadLayers(file: string, artifacts: tf.io.ModelArtifacts, config: ModelConfig): Promise<LoadedModel> {
  let model: tfl.LayersModel;
  try {
    model = await loadWithoutLeaks(() => tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true }), () => []);
  } catch (e) {
    throw explainLoadError(file, e, artifacts.weightSpecs);
  }
  let inputShape: InputShape;
  try {
    inputShape = imageInputShape(file, model.inputs[0]?.shape ?? []);
  } catch (e) {
    model.dispose();
    throw e;
  }
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
    model = await loadWithoutLeaks(() => tfconv.loadGraphModel(tf.io.fromMemory(artifacts)), (m) => Object.values(m.weights).flat());
  } catch (e) {
    throw explainLoadError(file, e);
  }
  let inputShape: InputShape;
  let numClasses: number;
  try {
    inputShape = imageInputShape(file, model.inputs[0]?.shape ?? []);
    // Graph outputs rarely carry a shape; one pass on a blank image gives the class count.
    numClasses = lastDim(model.outputs[0]?.shape ?? []);
    if (!(numClasses > 0)) numClasses = tf.tidy(() => lastDim(forwardGraphModel(file, model, tf.zeros([1, inputShape.height, inputShape.width, inputShape.channels])).logits.shape));
  } catch (e) {
    model.dispose();
    throw e instanceof UserError ? e : explainLoadError(file, e);
  }
  return {
    file,
    kind: 'graph',
    inputShape,
    config,
    numClasses,
    layers: summarizeGraph(model),
    forward: (x, options) => forwardGraphModel(file, model, x, options),
    kernel: () => {
      throw new UserError(`${file}: a graph model has no layer names; filters need a layers model`);
    },
    dispose: () => model.dispose(),
  };
}

/**
 * Runs a TF.js loader so that a failed load leaves no tensor behind: tfjs builds layers (their
 * variables) and decodes the weights before it finds out that they do not fit, then drops them.
 * Loading from memory takes microtasks only, so starting from a fresh macrotask keeps other jobs'
 * tensors out of the engine scope opened here. `owned` lists the non-variable tensors a loaded
 * model keeps (a graph model's weights); they leave the scope alive.
 */
async function loadWithoutLeaks<T>(load: () => Promise<T>, owned: (model: T) => tf.Tensor[]): Promise<T> {
  await new Promise((resolve) => setImmediate(resolve));
  const engine = tf.engine();
  const variablesBefore = new Set(Object.keys(engine.registeredVariables));
  engine.startScope();
  let model: T | undefined;
  try {
    model = await load();
    return model;
  } catch (e) {
    for (const [name, v] of Object.entries(engine.registeredVariables)) if (!variablesBefore.has(name)) v.dispose();
    throw e;
  } finally {
    engine.endScope(model === undefined ? undefined : owned(model));
  }
}

export function requireLayer<T>(file: string, byName: Map<string, T>, name: string): T {
  const layer = byName.get(name);
  if (!layer) throw new UserError(`${file}: no layer named '${name}'; valid layers: ${[...byName.keys()].join(', ')}`);
  return layer;
}

function imageInputShape(file: string, shape: (number | null)[]): InputShape {
  const [, h, w, c] = shape;
  const text = `${file}: input shape [${shape.map((d) => d ?? 'null').join(', ')}]`;
  if (shape.length !== 4 || (c !== 1 && c !== 3)) throw new UserError(`${text} is not an image; ConvScope needs [batch, height, width, 1 or 3]`);
  // Graph models write an unknown size as -1, layers models as null.
  if (!(h! > 0) || !(w! > 0)) throw new UserError(`${text} has no fixed height and width; ConvScope needs them to size its inputs`);
  return { height: h!, width: w!, channels: c };
}

function lastDim(shape: (number | null)[]): number {
  return shape[shape.length - 1] ?? 0;
}

/** TF.js load errors are long and generic; keep the useful part and name the file. */
function explainLoadError(file: string, e: unknown, specs: tf.io.WeightsManifestEntry[] = []): UserError {
  let msg = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
  // Some messages quote a whole config object.
  if (msg.length > 240) msg = `${msg.slice(0, 240)}…`;
  const unknown = /Unknown (layer|activation|initializer|regularizer|constraint): (\w+)/.exec(msg);
  if (unknown) return new UserError(`${file}: unknown ${unknown[1] === 'layer' ? 'layer type' : unknown[1]} '${unknown[2]}' (TensorFlow.js layers does not implement it)`);
  // tfjs-layers says "Shape mismatch: [layer's] vs. [file's]" without naming the weight.
  const mismatch = /Shape mismatch: (\[[\d,]*\]) vs\. (\[[\d,]*\])/.exec(msg);
  if (mismatch) {
    const names = specs.filter((w) => JSON.stringify(w.shape) === mismatch[2]).map((w) => `'${w.name}'`);
    const which = names.length === 1 ? `weight ${names[0]}` : `a weight${names.length > 1 ? ` (one of ${names.join(', ')})` : ''}`;
    return new UserError(`${file}: weights do not match the model's layers: ${which} has shape ${mismatch[2]} in the weights manifest, but its layer expects ${mismatch[1]}`);
  }
  if (/shape|weight/i.test(msg.split('{')[0]!)) return new UserError(`${file}: weights do not match the model's layers: ${msg}`);
  return new UserError(`${file}: cannot load the model: ${msg}`);
}
