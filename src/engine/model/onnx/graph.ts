// The ONNX graph compiled into TF.js steps, once, at load time: initializers read, constant
// chains folded, weights converted channels-last, and every node run once on a probe image to
// learn its output shape (which Shape nodes, Reshape targets and the layer table need). The
// forward pass then replays the steps with TF.js ops, so autodiff gives gradients for free.
import * as tf from '../../tf';
import { UserError } from '../../errors';
import type { LayerInfo } from '../../../shared/engineProtocol';
import type { InputShape } from '../loadedModel';
import { inputField, nextField, type ReceptiveField } from '../receptiveField';
import { fail } from './attrs';
import { tryFold } from './fold';
import { onnxShape, shownShape } from './layout';
import { activationOps } from './opsActivations';
import { convTranspose } from './opsConvTranspose';
import { spatialOps } from './opsSpatial';
import { tensorOps } from './opsTensor';
import { int, opsetVersion, type OnnxModel, type OnnxNode } from './proto';
import { checkFinite, readTensor, type ConstTensor } from './tensors';
import type { Built, NodeCtx, OpBuilder, RuntimeValue, Value } from './types';
import { nhwc } from './types';

const ops: Record<string, OpBuilder> = { ...tensorOps, ...activationOps, ...spatialOps, ConvTranspose: convTranspose };

export interface Step {
  name: string;
  op: string;
  /** Node input names; '' for an omitted optional input or a constant (baked into `built`). */
  runtimeInputs: string[];
  outputs: string[];
  built: Built;
}

export interface CompiledGraph {
  inputName: string;
  inputShape: InputShape;
  steps: Step[];
  /** Every computed value: its ONNX shape (batch 1) and layout. */
  values: Map<string, RuntimeValue>;
  /** The value the logits are read from (a final Softmax's input). */
  logitsName: string;
  numClasses: number;
  /** Layer name or node output name → the value it addresses. */
  byName: Map<string, string>;
  layers: LayerInfo[];
  kernels: Map<string, tf.Tensor4D>;
  /** Tensors made at load time; disposed with the model. */
  kept: tf.Tensor[];
}

export function supportedOps(): string[] {
  return Object.keys(ops).concat('Constant', 'Shape', 'Gather', 'ConstantOfShape', 'Slice').sort();
}

export function compileGraph(file: string, model: OnnxModel): CompiledGraph {
  const graph = model.graph!;
  const opset = opsetVersion(model);
  const env = new Map<string, Value>();
  for (const t of graph.initializer ?? []) {
    const value = readTensor(file, t, 'initializer');
    checkFinite(file, t.name ?? '', value);
    env.set(t.name ?? '', { kind: 'const', value });
  }
  const { inputName, inputShape } = imageInput(file, model, env);
  const kept: tf.Tensor[] = [];
  const probes = new Map<string, tf.Tensor>();
  const steps: Step[] = [];
  try {
    probes.set(inputName, tf.fill([1, inputShape.height, inputShape.width, inputShape.channels], 0.5));
    for (const [index, node] of (graph.node ?? []).entries()) {
      const name = node.name || node.output?.[0] || `node ${index}`;
      const step = compileNode(file, node, name, opset, env, kept);
      if (!step) continue;
      const outs = tf.tidy(() => step.built.run(step.runtimeInputs.map((n) => (n ? probes.get(n) : undefined)), {}));
      outs.forEach((t, i) => {
        const out = step.outputs[i];
        if (!out) return;
        probes.set(out, t);
        env.set(out, { kind: 'runtime', shape: onnxShape(t.shape, step.built.layouts[i]!), layout: step.built.layouts[i]! });
      });
      steps.push(step);
    }
    const outputName = graph.output?.[0]?.name ?? '';
    const out = env.get(outputName);
    if (out?.kind !== 'runtime') throw new UserError(`${file}: the graph's output '${outputName}' is not computed from its input`);
    // A final Softmax is stripped, as for TF.js models: methods want pre-softmax scores.
    const last = steps.find((s) => s.outputs.includes(outputName));
    const logitsName = last?.op === 'Softmax' && last.runtimeInputs[0] ? last.runtimeInputs[0] : outputName;
    const numClasses = probes.get(logitsName)!.size;
    const values = new Map([...env].filter((e): e is [string, RuntimeValue] => e[1].kind === 'runtime'));
    const table = layerTable(steps, values, probes, inputName, [inputShape.height, inputShape.width]);
    return { inputName, inputShape, steps, values, logitsName, numClasses, kept, ...table };
  } catch (e) {
    tf.dispose(kept);
    throw e;
  } finally {
    tf.dispose([...new Set(probes.values())]);
  }
}

function imageInput(file: string, model: OnnxModel, env: Map<string, Value>): { inputName: string; inputShape: InputShape } {
  const inputs = (model.graph!.input ?? []).filter((i) => !env.has(i.name ?? ''));
  if (inputs.length !== 1) throw new UserError(`${file}: the ONNX graph has ${inputs.length} inputs besides its weights; ConvScope reads networks with one image input`);
  const input = inputs[0]!;
  const dims = (input.type?.tensor_type?.shape?.dim ?? []).map((d) => (d.dim_value === undefined ? -1 : int(d.dim_value)));
  const [, c, h, w] = dims;
  const text = `${file}: input '${input.name}' has shape [${dims.map((d) => (d > 0 ? d : '?')).join(', ')}]`;
  if (dims.length !== 4 || (c !== 1 && c !== 3)) throw new UserError(`${text}, not an image; ConvScope needs [batch, 1 or 3 channels, height, width]`);
  if (!(h! > 0) || !(w! > 0)) throw new UserError(`${text}: no fixed height and width; export the model with a fixed input size`);
  const name = input.name ?? '';
  env.set(name, { kind: 'runtime', shape: [1, c, h!, w!], layout: nhwc });
  return { inputName: name, inputShape: { height: h!, width: w!, channels: c } };
}

/** Folds the node, or builds its step; undefined when it was folded. */
function compileNode(file: string, node: OnnxNode, name: string, opset: number, env: Map<string, Value>, kept: tf.Tensor[]): Step | undefined {
  const op = node.op_type ?? '';
  const where = { file, node, name };
  if (node.domain && node.domain !== 'ai.onnx') fail(where, `operator domain '${node.domain}' is not supported (only the standard ONNX operators are)`);
  const inputNames = node.input ?? [];
  const inputs = inputNames.map((n) => {
    if (!n) return undefined;
    const v = env.get(n);
    if (!v) fail(where, `its input '${n}' is not computed before it (the graph is not in topological order, or the input is missing)`);
    return v;
  });
  const attributes = new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
  const attr = (n: string) => attributes.get(n);
  const outputs = node.output ?? [];
  const folded = tryFold(op, { file, name, opset, inputs, attr, fail: (m) => fail(where, m) });
  if (folded) {
    outputs.forEach((o, i) => folded[i] && env.set(o, { kind: 'const', value: folded[i] }));
    return undefined;
  }
  const builder = ops[op];
  if (!builder) throw new UserError(`${file}: unsupported ONNX operator '${op}' (node '${name}'); ConvScope supports ${supportedOps().join(', ')}`);
  const ctx: NodeCtx = {
    file,
    node,
    name,
    opset,
    inputs,
    attr,
    constInput: (i: number, what: string): ConstTensor | undefined => {
      const v = inputs[i];
      if (!v) return undefined;
      if (v.kind !== 'const') fail(where, `its ${what} (input '${inputNames[i]}') must be a constant, not computed at run time`);
      return v.value;
    },
    keep: (t) => {
      kept.push(t);
      return t;
    },
  };
  const built = builder(ctx);
  const runtimeInputs = inputNames.map((n, i) => (inputs[i]?.kind === 'runtime' ? n : ''));
  return { name, op, runtimeInputs, outputs: outputs.slice(0, built.layouts.length), built };
}

function layerTable(steps: Step[], values: Map<string, RuntimeValue>, probes: Map<string, tf.Tensor>, inputName: string, imageSize: [number, number]) {
  const fields = new Map<string, ReceptiveField>([[inputName, inputField]]);
  const byName = new Map<string, string>();
  const kernels = new Map<string, tf.Tensor4D>();
  const layers: LayerInfo[] = [];
  for (const step of steps) {
    const out = step.outputs[0]!;
    const inFields = step.runtimeInputs.filter(Boolean).map((n) => fields.get(n) ?? inputField);
    const field = nextField(inFields, step.built.spatial ?? { kind: 'pass' }, imageSize);
    for (const o of step.outputs) fields.set(o, field);
    // Node names are unique in valid ONNX; a clash (or a nameless node) falls back to the output name.
    const name = byName.has(step.name) ? out : step.name;
    byName.set(name, out);
    for (const o of step.outputs) if (!byName.has(o)) byName.set(o, o);
    const value = values.get(out)!;
    const shape = shownShape(probes.get(out)!.shape, value.layout);
    const row: LayerInfo = { name, type: step.op, outputShape: shape, params: step.built.params ?? 0, isConv: step.op === 'Conv' };
    if (shape.length === 3 || field.global) row.receptiveField = field;
    if (step.built.kernel) kernels.set(name, step.built.kernel);
    layers.push(row);
  }
  return { byName, kernels, layers };
}
