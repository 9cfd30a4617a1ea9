// TF.js graph models (model.json with a GraphDef "node" list, from the TF.js converter): nodes
// addressed by name; no ReLU rules (ReLUs are fused into the graph's ops) and no kernels.
import * as tf from '../../tf';
import * as tfconv from '@tensorflow/tfjs-converter';
import { UserError } from '../../errors';
import { readModelArtifacts } from '../readArtifacts';
import type { ModelConfig } from '../preprocessing';
import type { InputShape, LoadedModel } from '../loadedModel';
import { forwardGraphModel, summarizeGraph } from '../graphForward';
import { explainLoadError, imageInputShape, lastDim, loadWithoutLeaks } from './tfjsCommon';
import { isJsonText } from './tfjsLayers';
import type { ModelLoader, ModelSource } from './types';

export const tfjsGraphLoader: ModelLoader = {
  format: 'graph',
  sniff: (source) => {
    if (!isJsonText(source)) return false;
    const json = source.json() as { modelTopology?: { node?: unknown } } | null;
    return typeof json === 'object' && json !== null && Array.isArray(json.modelTopology?.node);
  },
  load: (source, config) => loadGraph(source, config),
};

async function loadGraph(source: ModelSource, config: ModelConfig): Promise<LoadedModel> {
  const file = source.file;
  const { artifacts } = readModelArtifacts(source);
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
    capabilities: new Set(['layer-outputs']),
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

