// TF.js layers models (model.json with a Keras-style topology): every layer addressable, ReLU
// rules on separate and fused ReLUs, conv kernels for filters.
import * as tf from '../../tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../../errors';
import { readModelArtifacts } from '../readArtifacts';
import type { ModelConfig } from '../preprocessing';
import type { InputShape, LoadedModel } from '../loadedModel';
import { forwardLayersModel, allLayers } from '../layersForward';
import { summarizeLayers } from '../summary';
import { explainLoadError, imageInputShape, lastDim, loadWithoutLeaks, requireLayer } from './tfjsCommon';
import type { ModelLoader, ModelSource } from './types';

export const tfjsLayersLoader: ModelLoader = {
  format: 'layers',
  // Any text file that is not a graph model comes here (binary formats have their own loaders):
  // readModelArtifacts then says exactly what is wrong with it (not JSON, at which position; no
  // modelTopology; a format that contradicts the topology…).
  sniff: (source) => !source.head.includes(0),
  load: (source, config) => loadLayers(source, config),
};

/** Starts like a JSON object (after an optional byte-order mark and white space). */
export function isJsonText(source: ModelSource): boolean {
  return /^(\uFEFF)?\s*\{/.test(source.head.toString('utf8'));
}

async function loadLayers(source: ModelSource, config: ModelConfig): Promise<LoadedModel> {
  const file = source.file;
  const { artifacts } = readModelArtifacts(source);
  let model: tfl.LayersModel;
  try {
    model = await loadWithoutLeaks(() => tfl.loadLayersModel(tf.io.fromMemory(artifacts), { strict: true }), () => []);
  } catch (e) {
    throw explainLoadError(file, e, artifacts.weightSpecs);
  }
  return layersModelToLoaded(file, 'layers', model, config);
}

/**
 * A tfjs layers model, however it was built (model.json, or a Keras file converted in memory by
 * keras.ts), as a LoadedModel: layer table, ReLU rules and kernels. It owns `model` from here on.
 */
export function layersModelToLoaded(file: string, kind: LoadedModel['kind'], model: tfl.LayersModel, config: ModelConfig): LoadedModel {
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
    kind,
    capabilities: new Set(['layer-outputs', 'relu-rules', 'kernels']),
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

