// Keras models: Keras 2 full-model HDF5 (.h5) and Keras 3 zips (.keras), turned into TF.js
// layers models in memory (config → tfjs topology, then each layer's weights set in order), so
// that everything a layers model.json gets (layer table, ReLU rules, kernels) comes from the same
// code. No Python runs: a layer that would need it (Lambda) is refused by name.
import { readFileSync, statSync } from 'node:fs';
import * as tf from '../../tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { UserError } from '../../errors';
import type { ModelConfig } from '../preprocessing';
import type { LoadedModel } from '../loadedModel';
import { HDF5_MAGIC, withHdf5 } from '../keras/hdf5';
import { ZIP_MAGIC, openZip } from '../keras/zip';
import { kerasTopology } from '../keras/config';
import { innerWeights, keras2Weights, keras3Weights, type LayerWeights } from '../keras/weights';
import { explainLoadError, loadWithoutLeaks } from './tfjsCommon';
import { layersModelToLoaded } from './tfjsLayers';
import type { ModelLoader, ModelSource } from './types';

export const kerasLoader: ModelLoader = {
  format: 'keras',
  // Every HDF5 file and every zip: nothing else here reads them, and a file that is not a Keras
  // model gets an error that says what it lacks rather than "not a model".
  sniff: (source) => startsWith(source.head, HDF5_MAGIC) || startsWith(source.head, ZIP_MAGIC),
  load: (source, config) => loadKeras(source, config),
};

const startsWith = (head: Buffer, magic: Buffer) => head.length >= magic.length && head.subarray(0, magic.length).equals(magic);

interface KerasFile {
  config: unknown;
  weights: Map<string, LayerWeights>;
  /** Where the weights are, for errors. */
  weightsName: string;
  /** Keras 3 keys weights by class-derived names (config.ts, storeKey), Keras 2 by layer names. */
  keras3: boolean;
}

async function readKeras(file: string): Promise<KerasFile> {
  // One Buffer holds the file (and h5wasm's memory a copy): Node's limit is 2 GiB.
  const size = statSync(file).size;
  if (size >= 2 ** 31) throw new UserError(`${file}: ${size} bytes; ConvScope reads Keras files up to 2 GiB`);
  const bytes = readFileSync(file);
  if (startsWith(bytes, HDF5_MAGIC)) {
    return withHdf5(file, bytes, (h5) => {
      const text = h5.attrText('/', 'model_config');
      if (text === undefined) throw new UserError(`${file}: an HDF5 file without a 'model_config' attribute: not a full Keras model (a weights-only file needs its model; save with model.save('model.h5'))`);
      return { config: parseJson(`${file} (model_config)`, text), weights: keras2Weights(file, h5), weightsName: file, keras3: false };
    });
  }
  const zip = openZip(file, bytes);
  const configBytes = zip.read('config.json');
  if (!configBytes) throw new UserError(`${file}: a zip without 'config.json': not a Keras 3 .keras model (entries: ${zip.names.join(', ') || 'none'})`);
  const config = parseJson(`${file} (config.json)`, configBytes.toString('utf8'));
  const weightsBytes = zip.read('model.weights.h5');
  const weightsName = `${file} (model.weights.h5)`;
  if (!weightsBytes) throw new UserError(`${file}: a .keras zip without 'model.weights.h5' (entries: ${zip.names.join(', ')})`);
  return { config, weights: await withHdf5(weightsName, weightsBytes, (h5) => keras3Weights(weightsName, h5)), weightsName, keras3: true };
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${name}: not valid JSON (${(e as Error).message})`);
  }
}

async function loadKeras(source: ModelSource, config: ModelConfig): Promise<LoadedModel> {
  const file = source.file;
  const keras = await readKeras(file);
  const { topology, unitGamma, parentOf, storeKey } = kerasTopology(file, keras.config);
  const key = (layer: string) => (keras.keras3 ? (storeKey.get(layer) ?? layer) : layer);
  // An inlined layer's weights are under its nested model (and that one's, if nested deeper).
  const stored = (layer: string): LayerWeights | undefined => {
    const parent = parentOf.get(layer);
    if (parent === undefined) return keras.weights.get(key(layer));
    const outer = stored(parent);
    return outer && innerWeights(outer, key(layer));
  };
  const model = await loadWithoutLeaks(async () => {
    let m: tfl.LayersModel;
    try {
      m = await tfl.models.modelFromJSON({ modelTopology: topology } as Parameters<typeof tfl.models.modelFromJSON>[0]);
    } catch (e) {
      throw explainLoadError(file, e);
    }
    try {
      for (const layer of m.layers) setLayerWeights(keras.weightsName, layer, stored(layer.name), unitGamma.has(layer.name));
    } catch (e) {
      m.dispose();
      throw e;
    }
    return m;
  }, () => []);
  return layersModelToLoaded(file, 'keras', model, config);
}

/**
 * Gives a layer its weights from the file: by name where Keras 2 wrote names (its order can
 * differ from tfjs's for frozen layers), else in order; shapes are checked here so that the
 * error names the layer and the weight.
 */
function setLayerWeights(name: string, layer: tfl.layers.Layer, stored: LayerWeights | undefined, unitGamma: boolean): void {
  const targets = layer.weights;
  if (targets.length === 0) return;
  if (!stored) throw new UserError(`${name}: no weights for layer '${layer.name}' (${layer.getClassName()})`);
  const base = (n: string) => n.slice(n.lastIndexOf('/') + 1);
  const storedBases = stored.names?.map(base);
  const byName = storedBases !== undefined && new Set(storedBases).size === storedBases.length && targets.every((t) => (unitGamma && base(t.originalName) === 'gamma') || storedBases.includes(base(t.originalName)));
  const expected = targets.length - (unitGamma ? 1 : 0);
  if (stored.arrays.length !== expected) {
    throw new UserError(`${name}: layer '${layer.name}' (${layer.getClassName()}) has ${stored.arrays.length} weights in the file, its config needs ${expected} (${targets.map((t) => base(t.originalName)).join(', ')})`);
  }
  let next = 0;
  const values = targets.map((t) => {
    const what = base(t.originalName);
    if (unitGamma && what === 'gamma') return { shape: t.shape as number[], data: new Float32Array(t.shape[0] ?? 0).fill(1) };
    const array = byName ? stored.arrays[storedBases!.indexOf(what)]! : stored.arrays[next++]!;
    if (JSON.stringify(array.shape) !== JSON.stringify(t.shape)) {
      throw new UserError(`${name}: weight '${what}' of layer '${layer.name}' has shape [${array.shape.join(', ')}] in the file, but the layer's config needs [${t.shape.join(', ')}]`);
    }
    return array;
  });
  tf.tidy(() => layer.setWeights(values.map((v) => tf.tensor(v.data, v.shape))));
}
