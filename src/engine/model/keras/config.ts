// Keras model configs (Keras 2's `model_config`, Keras 3's config.json) turned into the topology
// tfjs-layers 4.22 reads: it was written for Keras 2's JSON, so Keras 3's additions are mapped
// back (`batch_shape`, dtype policies as objects, `module`/`registered_name`, the new
// `inbound_nodes` form) and what would silently compute something else is refused by name.
import * as tf from '../../tf';
import { UserError } from '../../errors';
import { inlineNested, MODEL_CLASSES } from './inline';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface KerasTopology {
  /** What tfl.models.modelFromJSON takes as modelTopology. */
  topology: Json;
  /** BatchNormalization layers written with scale: false, loaded with scale: true (see below). */
  unitGamma: Set<string>;
  /** Layers inlined from a nested model (inline.ts) → that model, under which their weights are. */
  parentOf: Map<string, string>;
  /**
   * Layer → its group in a Keras 3 weights file. Keras 3 names that group after the layer's
   * class, not its name ('conv2d', 'conv2d_1'… in the model's layer order, per nested model),
   * since layer names are generated and need not be the same when a model is built again.
   */
  storeKey: Map<string, string>;
}

type Acc = Omit<KerasTopology, 'topology'>;
/** Keras's naming.to_snake_case: 'Conv2D' → 'conv2d', 'ReLU' → 're_lu'. */
const snakeCase = (cls: string) => cls.replace(/\W+/g, '').replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();

export function kerasTopology(file: string, config: unknown): KerasTopology {
  if (!isObject(config) || typeof config.class_name !== 'string' || !MODEL_CLASSES.has(config.class_name) || !isObject(config.config)) {
    throw new UserError(`${file}: the Keras config is not a Sequential or functional model (class_name ${JSON.stringify(isObject(config) ? config.class_name : undefined)})`);
  }
  const acc: Acc = { unitGamma: new Set(), parentOf: new Map(), storeKey: new Map() };
  return { topology: { ...normalizeModel(file, config, acc), keras_version: '2.13.1', backend: 'tensorflow' }, ...acc };
}

function normalizeModel(file: string, model: Json, acc: Acc): Json {
  const config = { ...(model.config as Json) };
  if (!Array.isArray(config.layers)) throw new UserError(`${file}: the Keras config of model '${String(config.name)}' has no layer list`);
  const layers = (config.layers as unknown[]).map((l) => normalizeLayer(file, l, acc));
  const used = new Map<string, number>();
  // From the entries as written (a nested model's class may change once inlined).
  for (const l of config.layers as Json[]) {
    if (l.class_name === 'InputLayer') continue;
    const base = snakeCase(String(l.class_name));
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    acc.storeKey.set(String(l.name ?? (l.config as Json).name), n === undefined ? base : `${base}_${n + 1}`);
  }
  const first = layers[0]?.config as Json | undefined;
  // Keras 3 Sequential models built without an Input keep the input shape in build_config only.
  const built = (config.build_input_shape ?? (model.build_config as Json | undefined)?.input_shape) as unknown;
  if (model.class_name === 'Sequential' && first && layers[0]!.class_name !== 'InputLayer' && first.batch_input_shape === undefined && Array.isArray(built)) {
    first.batch_input_shape = built;
  }
  for (const key of ['input_layers', 'output_layers']) {
    const v = config[key];
    // Keras 3 writes a single input or output as one flat [name, node, tensor].
    if (Array.isArray(v) && typeof v[0] === 'string') config[key] = [v];
  }
  delete config.build_input_shape;
  return inlineNested(file, { class_name: model.class_name === 'Model' ? 'Functional' : model.class_name, config: { ...config, layers } }, acc.parentOf);
}

function normalizeLayer(file: string, entry: unknown, acc: Acc): Json {
  if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) throw new UserError(`${file}: a layer entry of the Keras config has no class_name or config`);
  const cls = entry.class_name;
  const name = String(entry.config.name ?? entry.name);
  const refuse = (why: string) => new UserError(`${file}: layer '${name}' (${cls}) ${why}`);
  if (cls === 'Lambda' || cls === 'TFOpLambda' || cls === 'SlicingOpLambda') {
    throw refuse('runs Python code stored in the model file, which ConvScope never evaluates; rebuild the model with built-in layers in its place');
  }
  const out: Json = { class_name: cls, config: {} };
  if (entry.name !== undefined) out.name = entry.name;
  if (entry.inbound_nodes !== undefined) out.inbound_nodes = inboundNodes(file, name, entry.inbound_nodes);
  if (MODEL_CLASSES.has(cls)) return { ...out, ...normalizeModel(file, entry, acc) };
  if (!(cls in tf.serialization.SerializationMap.getMap().classNameMap)) {
    throw refuse('is not supported: TensorFlow.js layers, which ConvScope runs Keras models with, does not implement it');
  }
  const c: Json = {};
  for (const [k, v] of Object.entries(entry.config)) {
    // Regularizers and constraints only matter for training; Keras 3 names some that tfjs does
    // not know (L2, …), so they are dropped rather than translated. Initializers become zeros:
    // every weight is overwritten from the file, and random ones would cost time on big models.
    if (/_(regularizer|constraint)$/.test(k) || v === null) continue;
    // Some Keras versions keep Conv's kernel_* fields on SeparableConv2D; tfjs refuses them there.
    if (cls === 'SeparableConv2D' && /^kernel_(initializer|regularizer|constraint)$/.test(k)) continue;
    c[k] = /_initializer$/.test(k) ? { class_name: 'Zeros', config: {} } : v;
  }
  if (c.batch_shape !== undefined) {
    c.batch_input_shape = c.batch_shape;
    delete c.batch_shape;
  }
  if (isObject(c.dtype)) c.dtype = (c.dtype.config as Json | undefined)?.name ?? 'float32';
  // Mixed-precision policies: the engine computes in float32 and the weights are widened on load.
  if (typeof c.dtype === 'string' && /float16|bfloat16|mixed/.test(c.dtype)) c.dtype = 'float32';
  if (isObject(c.activation)) c.activation = typeof c.activation.config === 'string' ? c.activation.config : c.activation.class_name;
  if (c.activation === 'silu') c.activation = 'swish';
  if (typeof c.groups === 'number' && c.groups !== 1) throw refuse(`uses grouped convolution (groups: ${c.groups}), which TensorFlow.js layers does not implement`);
  if (cls === 'ReLU' && ((c.negative_slope as number | undefined) || (c.threshold as number | undefined))) {
    throw refuse('has a negative_slope or threshold, which TensorFlow.js layers\' ReLU does not implement');
  }
  if (cls === 'BatchNormalization') {
    if (Array.isArray(c.axis)) {
      if (c.axis.length !== 1) throw refuse(`normalizes over several axes (${JSON.stringify(c.axis)})`);
      c.axis = c.axis[0];
    }
    // tfjs 4.22 cannot take gradients through a BatchNormalization without gamma (see
    // ../shared/ENGINE.md): load it with scale: true and gamma = 1, which computes the same.
    if (c.scale === false) {
      c.scale = true;
      acc.unitGamma.add(name);
    }
  }
  out.config = c;
  return out;
}

/** Keras 3's [{args: [...__keras_tensor__...], kwargs}] to Keras 2's [[[layer, node, tensor, {}], …]]. */
function inboundNodes(file: string, layer: string, nodes: unknown): unknown {
  if (!Array.isArray(nodes)) throw new UserError(`${file}: layer '${layer}': inbound_nodes is not a list`);
  return nodes.map((node) => {
    if (Array.isArray(node)) return node;
    if (!isObject(node)) throw new UserError(`${file}: layer '${layer}': an inbound node is neither a list nor an object`);
    const tensors: unknown[] = [];
    const collect = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config) && Array.isArray(v.config.keras_history)) {
        const [name, nodeIndex, tensorIndex] = v.config.keras_history as [string, number, number];
        tensors.push([name, nodeIndex, tensorIndex, {}]);
      }
    };
    collect(node.args);
    return tensors;
  });
}
