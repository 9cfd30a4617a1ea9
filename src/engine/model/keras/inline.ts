// Nested models (a backbone used as one layer, as transfer learning builds them) are inlined into
// the outer graph. tfjs-layers runs a nested model inside its own tf.tidy, so the outputs of its
// layers cannot be captured, and runs a nested Sequential's graph twice; one flat graph has
// neither problem, and every layer keeps its Keras name.
import { UserError } from '../../errors';

type Json = Record<string, unknown>;
/** [layer, node index, tensor index, kwargs?] as Keras 2 configs write a tensor. */
type Ref = [string, number, number, ...unknown[]];
export const MODEL_CLASSES = new Set(['Sequential', 'Functional', 'Model']);

const nameOf = (l: Json) => String(l.name ?? (l.config as Json).name);
const isModel = (l: Json) => MODEL_CLASSES.has(l.class_name as string);

/**
 * A normalized model whose layers may be normalized models themselves (already flat inside),
 * as one functional model; `parentOf` records which nested model each inlined layer came from
 * (its weights are stored under that model). Models without nested ones are returned as they are.
 */
export function inlineNested(file: string, model: Json, parentOf: Map<string, string>): Json {
  let config = model.config as Json;
  if (!(config.layers as Json[]).some(isModel)) return model;
  if (model.class_name === 'Sequential') config = sequentialAsFunctional(file, config);
  const rename = new Map<string, Ref>();
  const layers: Json[] = [];
  for (const l of config.layers as Json[]) {
    if (!isModel(l)) {
      layers.push(l);
      continue;
    }
    const name = nameOf(l);
    const refuse = (why: string) => new UserError(`${file}: nested model '${name}' ${why}; ConvScope reads nested models called once on one input`);
    const nodes = l.inbound_nodes as Ref[][];
    if (nodes.length !== 1 || nodes[0]!.length !== 1) throw refuse(`is called ${nodes.length} times or on ${nodes[0]?.length ?? 0} inputs`);
    const source = nodes[0]![0]!;
    const body = l.class_name === 'Sequential' ? sequentialAsFunctional(file, l.config as Json) : (l.config as Json);
    const inputs = body.input_layers as Ref[];
    if (inputs.length !== 1) throw refuse(`has ${inputs.length} inputs`);
    const inputName = inputs[0]![0];
    for (const x of body.layers as Json[]) {
      if (x.class_name === 'InputLayer') continue;
      // A layer inlined from a model nested deeper keeps that model as parent, which gets this one.
      const parent = parentOf.get(nameOf(x));
      if (parent === undefined) parentOf.set(nameOf(x), name);
      else if (!parentOf.has(parent)) parentOf.set(parent, name);
      delete (x.config as Json).batch_input_shape;
      x.inbound_nodes = (x.inbound_nodes as Ref[][]).map((node) => node.map((r) => (r[0] === inputName ? ([source[0], source[1], source[2], ...r.slice(3)] as Ref) : r)));
      layers.push(x);
    }
    const outputs = body.output_layers as Ref[];
    if (outputs.length !== 1) throw refuse(`has ${outputs.length} outputs`);
    rename.set(name, outputs[0]!);
  }
  const seen = new Set<string>();
  for (const l of layers) {
    if (seen.has(nameOf(l))) throw new UserError(`${file}: two layers are named '${nameOf(l)}' once nested models are inlined; rename one in Keras`);
    seen.add(nameOf(l));
  }
  const redirect = (r: Ref): Ref => {
    const to = rename.get(r[0]);
    return to ? ([to[0], to[1], to[2], ...r.slice(3)] as Ref) : r;
  };
  for (const l of layers) l.inbound_nodes = (l.inbound_nodes as Ref[][]).map((node) => node.map(redirect));
  const outputLayers = (config.output_layers as Ref[]).map(redirect);
  return { class_name: 'Functional', config: { ...config, layers, output_layers: outputLayers } };
}

/** A Sequential config as the equivalent functional one: an input layer, then a chain. */
function sequentialAsFunctional(file: string, config: Json): Json {
  const all = config.layers as Json[];
  let input = all[0]?.class_name === 'InputLayer' ? all[0] : undefined;
  const chain = input ? all.slice(1) : all;
  if (!input) {
    // The input shape is on the first layer, or on the first layer of a nested model there.
    const first = chain[0];
    const firstConfig = first?.config as Json | undefined;
    const inner = first && isModel(first) ? ((firstConfig!.layers as Json[])[0]?.config as Json | undefined) : firstConfig;
    const shape = firstConfig?.batch_input_shape ?? inner?.batch_input_shape;
    if (!Array.isArray(shape)) throw new UserError(`${file}: Sequential model '${String(config.name)}' has no input shape`);
    input = { class_name: 'InputLayer', config: { name: `${String(config.name)}_input`, batch_input_shape: shape, dtype: 'float32' } };
  }
  const inputName = nameOf(input);
  let prev = inputName;
  const layers = chain.map((l) => {
    const out = { ...l, name: nameOf(l), inbound_nodes: [[[prev, 0, 0, {}]]] };
    prev = nameOf(l);
    return out;
  });
  return { ...config, layers: [{ ...input, name: inputName, inbound_nodes: [] }, ...layers], input_layers: [[inputName, 0, 0]], output_layers: [[prev, 0, 0]] };
}
