import * as tf from '../tf';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ForwardOptions, ForwardResult, ReluRule } from './loadedModel';

/**
 * Runs a tfjs-layers model layer by layer so that methods can see and steer its insides:
 * capture any layer's output, substitute a layer's output (gradients w.r.t. a layer), and change
 * how every ReLU back-propagates, whether it is a ReLU layer or fused into Conv2D/Dense.
 *
 * It walks the model with Container.runInternalGraph (which calls `layer.call` in topological
 * order without disposing intermediates, unlike `predict`) and wraps each layer's `call` for the
 * duration of one synchronous pass; the wrappers are removed before returning.
 */

interface ActivationLike {
  getClassName(): string;
  apply(x: tf.Tensor): tf.Tensor;
}
type CallFn = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
type PatchableLayer = tfl.layers.Layer & { call: CallFn; activation?: ActivationLike; maxValue?: number | null };
type ContainerLike = tfl.LayersModel & { runInternalGraph(inputs: tf.Tensor[]): [tf.Tensor[], unknown, unknown] };

const identity: ActivationLike = { getClassName: () => 'linear', apply: (x) => x };

export function forwardLayersModel(model: tfl.LayersModel, x: tf.Tensor4D, options: ForwardOptions = {}): ForwardResult {
  const rule = options.relu ?? {};
  const capture = new Set(options.capture ?? []);
  const captured = new Map<string, tf.Tensor>();
  const root = containerOf(model);
  const outputLayer = root.outputLayers[0] as PatchableLayer;
  const restorers: (() => void)[] = [];
  try {
    for (const layer of allLayers(root)) {
      restorers.push(patch(layer, (inputs, kwargs, original) => {
        const out = options.replace?.layer === layer.name ? options.replace.value : callWithRule(layer, inputs, kwargs, original, rule, layer === outputLayer);
        if (capture.has(layer.name) && !Array.isArray(out)) captured.set(layer.name, out);
        return out;
      }));
    }
    if (options.stopAtCaptured && capture.size > 0) {
      subgraphTo(root, [...capture]).runInternalGraph([x]);
      return { logits: tf.zeros([x.shape[0], 0]) as tf.Tensor2D, captured };
    }
    const [outputs] = root.runInternalGraph([x]);
    const out = outputs[0]!;
    return { logits: (out.rank === 2 ? out : tf.reshape(out, [out.shape[0]!, -1])) as tf.Tensor2D, captured };
  } finally {
    for (const restore of restorers.reverse()) restore();
  }
}

const subgraphs = new WeakMap<ContainerLike, Map<string, ContainerLike>>();

/**
 * The part of the graph that computes the named layers, as a model sharing their weights (made
 * once per set of layers). Running it calls the same patched layers, so captures and rules apply.
 */
function subgraphTo(root: ContainerLike, layerNames: string[]): ContainerLike {
  const key = [...layerNames].sort().join('\u0000');
  let byKey = subgraphs.get(root);
  if (!byKey) subgraphs.set(root, (byKey = new Map()));
  let sub = byKey.get(key);
  if (!sub) {
    const outputs = layerNames.map((name) => outputOf(root, name));
    sub = tfl.model({ inputs: root.inputs, outputs }) as unknown as ContainerLike;
    byKey.set(key, sub);
  }
  return sub;
}

/** The symbolic output of a layer of `root` (layers of nested models are found inside them). */
function outputOf(root: ContainerLike, name: string): tfl.SymbolicTensor {
  for (const layer of containerOf(root).layers) {
    if (layer.name === name) return layer.output as tfl.SymbolicTensor;
  }
  // A nested model's layer lives in that model's graph, unreachable from root's input: refuse.
  throw new Error(`layer '${name}' is not a top-level layer of the model; it cannot end a partial forward pass`);
}

/** A Sequential model keeps its graph in an inner functional model. */
export function containerOf(model: tfl.LayersModel): ContainerLike {
  const seq = model as unknown as { model?: tfl.LayersModel; build?: () => void };
  // A deserialised Sequential builds its inner model lazily, on first call.
  if (model.getClassName() === 'Sequential' && seq.model == null) seq.build?.();
  const inner = seq.model;
  return (inner && typeof (inner as ContainerLike).runInternalGraph === 'function' ? inner : model) as ContainerLike;
}

/** Every layer, descending into nested models (their own layers are what users name). */
export function allLayers(model: tfl.LayersModel): PatchableLayer[] {
  const out: PatchableLayer[] = [];
  for (const layer of containerOf(model).layers as PatchableLayer[]) {
    out.push(layer);
    if (isContainer(layer)) out.push(...allLayers(layer as unknown as tfl.LayersModel));
  }
  return out;
}

function isContainer(layer: unknown): boolean {
  return typeof (layer as ContainerLike).runInternalGraph === 'function' || typeof (layer as { model?: ContainerLike }).model?.runInternalGraph === 'function';
}

function patch(layer: PatchableLayer, wrapper: (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>, original: CallFn) => tf.Tensor | tf.Tensor[]): () => void {
  const hadOwn = Object.prototype.hasOwnProperty.call(layer, 'call');
  const own = layer.call;
  // A nested model's own call() goes through tfjs' executor, which disposes intermediates;
  // run its internal graph directly instead so captures and gradients survive.
  const original: CallFn = isContainer(layer)
    ? (inputs) => containerOf(layer as unknown as tfl.LayersModel).runInternalGraph(Array.isArray(inputs) ? inputs : [inputs])[0]
    : own.bind(layer);
  layer.call = (inputs, kwargs) => wrapper(inputs, kwargs ?? {}, original);
  return () => {
    if (hadOwn) layer.call = own;
    else delete (layer as Partial<PatchableLayer>).call;
  };
}

function callWithRule(layer: PatchableLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>, original: CallFn, rule: Partial<ReluRule>, isOutput: boolean): tf.Tensor | tf.Tensor[] {
  const className = layer.getClassName();
  if (className === 'ReLU' && rule.gradient) return ruleRelu(single(inputs), rule, layer.maxValue ?? undefined);
  if (className === 'Softmax' && isOutput) return single(inputs);
  const activation = layer.activation;
  if (!activation || typeof activation.getClassName !== 'function') return original(inputs, kwargs);
  const name = activation.getClassName().toLowerCase();
  const replaceRelu = rule.gradient !== undefined && (name === 'relu' || name === 'relu6');
  const stripSoftmax = isOutput && name === 'softmax';
  if (!replaceRelu && !stripSoftmax) return original(inputs, kwargs);
  // Run the layer without its activation (this also turns off the fused kernel's activation),
  // then apply ours.
  layer.activation = identity;
  try {
    const pre = single(original(inputs, kwargs));
    return stripSoftmax ? pre : ruleRelu(pre, rule, name === 'relu6' ? 6 : undefined);
  } finally {
    layer.activation = activation;
  }
}

function single(t: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(t) ? t[0]! : t;
}

/** ReLU (or ReLU clipped at maxValue) whose gradient is the rule's. */
export function ruleRelu(z: tf.Tensor, rule: Partial<ReluRule>, maxValue?: number): tf.Tensor {
  const forward = (t: tf.Tensor) => (maxValue === undefined ? tf.relu(t) : tf.clipByValue(t, 0, maxValue));
  const gradient = rule.gradient;
  if (!gradient) return forward(z);
  const f = tf.customGrad((input, save) => {
    const t = input as tf.Tensor;
    (save as tf.GradSaveFunc)([t]);
    return { value: forward(t), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => gradient(saved[0]!, dy, maxValue) };
  });
  return f(z);
}
