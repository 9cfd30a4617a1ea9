import * as path from 'node:path';
import { UserError } from '../errors';
import { readModelConfig, sidecarPath, type ModelConfig, type Preprocessing } from './preprocessing';
import type { LoadedModel } from './loadedModel';
import { loaderFor } from './loaders';
import { openModelSource } from './modelSource';

export interface ConfigOverrides {
  preprocessing?: Partial<Preprocessing>;
  labels?: string[];
}

/** Loads a model file in any format a loader recognises (by content), with its sidecar config. */
export async function loadModel(modelPath: string, overrides: ConfigOverrides = {}): Promise<LoadedModel> {
  const source = openModelSource(path.resolve(modelPath));
  const loader = loaderFor(source);
  const config = mergeConfig(readModelConfig(source.file), overrides);
  if (config.styleNetwork) throw new UserError(`${source.file}: a style network (see ${path.basename(sidecarPath(source.file))}), not a model to inspect: apply it with style-apply or "Stylize Image…"`);
  const model = await loader.load(source, config);
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
