// Every model format ConvScope reads, in the order they are tried: the first whose sniff
// accepts the file loads it. More specific sniffs come first.
import { UserError } from '../../errors';
import { kerasLoader } from './keras';
import { onnxLoader } from './onnx';
import { tfjsGraphLoader } from './tfjsGraph';
import { tfjsLayersLoader } from './tfjsLayers';
import type { ModelLoader, ModelSource } from './types';

export const modelLoaders: readonly ModelLoader[] = [onnxLoader, kerasLoader, tfjsGraphLoader, tfjsLayersLoader];

export function loaderFor(source: ModelSource, loaders: readonly ModelLoader[] = modelLoaders): ModelLoader {
  const loader = loaders.find((l) => l.sniff(source));
  if (!loader) throw new UserError(`${source.file}: not a model ConvScope can read (supported: ONNX .onnx files, Keras .h5 and .keras files, TensorFlow.js model.json, layers or graph)`);
  return loader;
}
