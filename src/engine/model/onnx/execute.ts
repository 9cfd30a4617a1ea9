// A forward pass of a compiled ONNX graph: the steps replayed on the input, with captures,
// a substituted layer output, the model's ReLU rule at every Relu/Clip(0, max) node, and a
// partial pass that runs only what the captured layers need.
import * as tf from '../../tf';
import { UserError } from '../../errors';
import type { ForwardOptions, ForwardResult } from '../loadedModel';
import type { CompiledGraph, Step } from './graph';
import { toOnnx } from './layout';
import type { Layout } from './types';

export function resolveLayer(file: string, g: CompiledGraph, name: string): string {
  const value = g.byName.get(name);
  if (value === undefined) {
    const some = g.layers.slice(0, 16).map((l) => l.name);
    throw new UserError(`${file}: no layer (ONNX node or node output) named '${name}'; layers include: ${some.join(', ')}${g.layers.length > some.length ? ', …' : ''}`);
  }
  return value;
}

/** What callers see: image tensors channels-last [N, H, W, C], whatever the stored layout. */
function exposed(t: tf.Tensor, layout: Layout): tf.Tensor {
  return layout.kind === 'plain' && t.rank === 4 ? tf.transpose(t, [0, 2, 3, 1]) : t;
}

/** A caller's channels-last tensor, stored as the value it replaces is. */
function stored(t: tf.Tensor, layout: Layout): tf.Tensor {
  return layout.kind === 'plain' && t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
}

export function forwardOnnx(file: string, g: CompiledGraph, x: tf.Tensor4D, options: ForwardOptions = {}): ForwardResult {
  const rule = options.relu ?? {};
  const capture = (options.capture ?? []).map((name) => ({ name, value: resolveLayer(file, g, name) }));
  const replace = options.replace ? { value: resolveLayer(file, g, options.replace.layer), tensor: options.replace.value } : undefined;
  const headless = options.stopAtCaptured === true && capture.length > 0;
  const steps = headless ? neededSteps(g, capture.map((c) => c.value)) : g.steps;
  const env = new Map<string, tf.Tensor>([[g.inputName, x]]);
  for (const step of steps) {
    if (replace && step.outputs.includes(replace.value)) {
      env.set(replace.value, stored(replace.tensor, g.values.get(replace.value)!.layout));
      continue;
    }
    const outs = step.built.run(
      step.runtimeInputs.map((n) => (n ? env.get(n) : undefined)),
      rule,
    );
    step.outputs.forEach((o, i) => env.set(o, outs[i]!));
  }
  const captured = new Map(capture.map((c) => [c.name, exposed(env.get(c.value)!, g.values.get(c.value)!.layout)]));
  if (headless) return { logits: tf.zeros([x.shape[0], 0]) as tf.Tensor2D, captured };
  const out = toOnnx(env.get(g.logitsName)!, g.values.get(g.logitsName)!.layout);
  return { logits: (out.rank === 2 ? out : tf.reshape(out, [out.shape[0]!, -1])) as tf.Tensor2D, captured };
}

/** The steps the named values depend on, in graph order. */
function neededSteps(g: CompiledGraph, values: string[]): Step[] {
  const producer = new Map<string, Step>();
  for (const s of g.steps) for (const o of s.outputs) producer.set(o, s);
  const needed = new Set<Step>();
  const visit = (v: string) => {
    const s = producer.get(v);
    if (!s || needed.has(s)) return;
    needed.add(s);
    s.runtimeInputs.filter(Boolean).forEach(visit);
  };
  values.forEach(visit);
  return g.steps.filter((s) => needed.has(s));
}
