import * as tf from '../tf';
import type * as tfconv from '@tensorflow/tfjs-converter';
import { UserError } from '../errors';
import type { ForwardOptions, ForwardResult } from './loadedModel';
import type { LayerSummary } from './summary';

/**
 * Graph models (frozen TF graphs) have nodes, not Keras layers. Forward passes and input
 * gradients work; captures and substitutions address nodes by name; ReLU rules cannot be applied
 * because ReLUs are fused into the graph's ops.
 */
export function forwardGraphModel(file: string, model: tfconv.GraphModel, x: tf.Tensor4D, options: ForwardOptions = {}): ForwardResult {
  if (options.relu?.gradient) {
    throw new UserError(`${file}: ${options.relu.label} needs a layers model (a graph model's ReLUs are fused into its ops)`);
  }
  const inputName = model.inputs[0]!.name;
  const outputName = model.outputs[0]!.name;
  const capture = options.capture ?? [];
  const known = new Set(Object.keys(model.weights).concat(nodeNames(model)));
  for (const name of [...capture, ...(options.replace ? [options.replace.layer] : [])]) {
    if (!known.has(name)) {
      const some = summarizeGraph(model).slice(0, 12).map((n) => n.name);
      throw new UserError(`${file}: a graph model has no layer names, and it has no node named '${name}'${some.length ? `; nodes include: ${some.join(', ')}` : ''}`);
    }
  }
  const feeds: tf.NamedTensorMap = { [inputName]: x };
  if (options.replace) feeds[options.replace.layer] = options.replace.value;
  // execute() returns a bare tensor, not an array, when asked for one output.
  // Asked for the captured nodes only, the executor runs just what they need.
  const headless = options.stopAtCaptured === true && capture.length > 0;
  const result = model.execute(feeds, headless ? capture : [outputName, ...capture]);
  const outs = Array.isArray(result) ? result : [result];
  if (headless) return { logits: tf.zeros([x.shape[0], 0]) as tf.Tensor2D, captured: new Map(capture.map((name, i) => [name, outs[i]!])) };
  const out = outs[0]!;
  const captured = new Map(capture.map((name, i) => [name, outs[i + 1]!]));
  return { logits: (out.rank === 2 ? out : tf.reshape(out, [out.shape[0]!, -1])) as tf.Tensor2D, captured };
}

function nodeNames(model: tfconv.GraphModel): string[] {
  const topology = (model as unknown as { artifacts?: { modelTopology?: { node?: { name: string }[] } } }).artifacts?.modelTopology;
  return (topology?.node ?? []).map((n) => n.name);
}

export function summarizeGraph(model: tfconv.GraphModel): LayerSummary[] {
  const topology = (model as unknown as { artifacts?: { modelTopology?: { node?: { name: string; op: string }[] } } }).artifacts?.modelTopology;
  return (topology?.node ?? [])
    .filter((n) => /Conv2D|MatMul|Pool|Relu|Softmax/.test(n.op))
    .map((n) => ({ name: n.name, type: n.op, outputShape: [], params: 0, isConv: false }));
}
