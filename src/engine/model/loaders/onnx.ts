// ONNX models (PyTorch exports and the like): parsed with protobufjs and the official schema,
// compiled once into TF.js steps channels-last (model/onnx/), so that forward passes, autodiff
// gradients, layer outputs (by node name or output name), ReLU rules at every Relu node and
// conv kernels all work as for TF.js layers models.
import { readFileSync, statSync } from 'node:fs';
import * as tf from '../../tf';
import { UserError } from '../../errors';
import type { ModelConfig } from '../preprocessing';
import type { LoadedModel } from '../loadedModel';
import { compileGraph } from '../onnx/graph';
import { forwardOnnx } from '../onnx/execute';
import { decodeModel, scanOnnx } from '../onnx/proto';
import type { ModelLoader, ModelSource } from './types';

export const onnxLoader: ModelLoader = {
  format: 'onnx',
  // A truncated ONNX file is taken too, so that it gets its own error rather than "not a model".
  sniff: (source) => scanOnnx(source.file, source.head, statSync(source.file).size) !== 'foreign',
  load: (source, config) => loadOnnx(source, config),
};

async function loadOnnx(source: ModelSource, config: ModelConfig): Promise<LoadedModel> {
  const file = source.file;
  const size = statSync(file).size;
  if (scanOnnx(file, source.head, size) === 'truncated') throw new UserError(`${file}: a truncated ONNX file (its protobuf fields run past its ${size} bytes); export or copy it again`);
  const g = compileGraph(file, decodeModel(file, readFileSync(file)));
  let disposed = false;
  return {
    file,
    kind: 'onnx',
    capabilities: new Set(['layer-outputs', 'relu-rules', 'kernels']),
    inputShape: g.inputShape,
    config,
    numClasses: g.numClasses,
    layers: g.layers,
    forward: (x, options) => forwardOnnx(file, g, x, options),
    kernel: (name) => {
      const k = g.kernels.get(name);
      if (!k) {
        const convs = g.layers.filter((l) => l.isConv).map((l) => l.name);
        throw new UserError(`${file}: layer '${name}' has no convolution kernel; conv layers: ${convs.join(', ')}`);
      }
      // The model's own tensor, as a layers model gives its layer's weights: callers do not dispose it.
      return k;
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      tf.dispose(g.kept);
    },
  };
}
