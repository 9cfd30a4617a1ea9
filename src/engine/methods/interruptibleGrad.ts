import { performance } from 'node:perf_hooks';
import * as tf from '../tf';
import type { LoadedModel, ReluRule } from '../model/loadedModel';
import { objective } from './target';
import { checkpoint, type Target } from './types';

/**
 * tf.grad, but the backward pass can be cancelled. On a large network (InceptionV3 on wasm) one
 * backward pass of one sample takes seconds, and tf.grad runs it in one synchronous call, so a
 * cancel waited for it. Here the forward pass is recorded on tfjs' tape as tf.grad does, and the
 * tape is then walked backward node by node as tfjs' backpropagateGradients does (same gradient
 * functions, same order of accumulation, so the same numbers), yielding to the event loop every
 * `sliceMs` to see a cancel. A gradient is freed once the node that consumes it has run.
 *
 * This uses tfjs-core's engine internals (the tape), pinned by package-lock; a test compares the
 * result with tf.grad on every kind of layer we ship.
 */

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface EngineTape {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
}

/** ∂f(x)/∂x for a scalar-valued f; rejects with CancelledError when `signal` aborts. */
export async function interruptibleGrad(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, signal: AbortSignal, sliceMs = 100): Promise<tf.Tensor> {
  const engine = tf.engine() as unknown as EngineTape;
  // Inside another gradient (higher order), the tape is shared: keep tfjs' own synchronous path.
  if (engine.state.gradientDepth > 0 || typeof engine.startTape !== 'function') return tf.grad(f)(x);
  await checkpoint(signal);
  engine.startTape();
  let y: tf.Tensor;
  let tape: TapeNode[];
  try {
    y = tf.tidy(() => f(x));
  } catch (e) {
    // tidy freed the forward pass's tensors, but not those the tape saved for the backward pass.
    for (const node of engine.state.activeTape ?? []) for (const t of node.saved ?? []) t.dispose();
    throw e;
  } finally {
    engine.endTape();
    tape = engine.state.activeTape ?? [];
    // Detach the tape so that work interleaved while we yield never records onto it.
    engine.state.activeTape = null;
  }
  const gradients = new Map<number, tf.Tensor>();
  try {
    const nodes = nodesFromXToY(tape, x, y);
    if (nodes.length === 0) throw new Error('Cannot compute gradient of y=f(x) with respect to x: y does not depend on x');
    gradients.set(y.id, tf.onesLike(y));
    let sliceStart = performance.now();
    for (let i = nodes.length - 1; i >= 0; i--) {
      if (performance.now() - sliceStart > sliceMs) {
        await checkpoint(signal);
        sliceStart = performance.now();
      }
      backpropNode(nodes[i]!, gradients);
    }
    const dx = gradients.get(x.id) ?? tf.zerosLike(x);
    gradients.delete(x.id);
    return dx;
  } finally {
    for (const g of gradients.values()) g.dispose();
    for (const node of tape) for (const t of node.saved ?? []) t.dispose();
    y.dispose();
  }
}

/** The gradient of `objective` with respect to the input, one per sample, like inputGradient(). */
export function interruptibleInputGradient(model: LoadedModel, x: tf.Tensor4D, target: Target, relu: ReluRule, signal: AbortSignal): Promise<tf.Tensor4D> {
  return interruptibleGrad((xi) => tf.sum(objective(model, xi as tf.Tensor4D, target, { relu })), x, signal) as Promise<tf.Tensor4D>;
}

/** One step of tfjs' backpropagateGradients: the node's input gradients, added to what is there. */
function backpropNode(node: TapeNode, gradients: Map<number, tf.Tensor>): void {
  if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
  const dys = node.outputs.map((o) => gradients.get(o.id) ?? null);
  const names = Object.keys(node.inputs);
  const dxs = tf.tidy(() => {
    const byInput = node.gradient!(dys);
    return names.map((name) => {
      if (!(name in byInput)) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
      const dx = tf.tidy(() => byInput[name]!());
      // A gradient function may hand dy back as is; dy is freed below, so keep a copy.
      return dys.includes(dx) ? tf.clone(dx) : dx;
    });
  });
  names.forEach((name, k) => {
    const input = node.inputs[name]!;
    const dx = dxs[k]!;
    if (dx.dtype !== 'float32' || !tf.util.arraysEqual(dx.shape, input.shape)) {
      dxs.forEach((d) => d.dispose());
      throw new Error(`Error in gradient for op ${node.kernelName}: input '${name}' got ${dx.dtype} [${dx.shape}], expected float32 [${input.shape}]`);
    }
  });
  names.forEach((name, k) => {
    const id = node.inputs[name]!.id;
    const current = gradients.get(id);
    if (current) {
      gradients.set(id, tf.add(current, dxs[k]!));
      current.dispose();
      dxs[k]!.dispose();
    } else {
      gradients.set(id, dxs[k]!);
    }
  });
  // Each tensor has one producer: once it has run, its outputs' gradients are no longer needed.
  for (const o of node.outputs) {
    gradients.get(o.id)?.dispose();
    gradients.delete(o.id);
  }
}

/** tfjs' getFilteredNodesXToY: the nodes on a path from x to y, with inputs not from x pruned. */
function nodesFromXToY(tape: TapeNode[], x: tf.Tensor, y: tf.Tensor): TapeNode[] {
  const fromX = new Set<number>([x.id]);
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      node.outputs.forEach((o) => fromX.add(o.id));
      nodesFromX.add(node.id);
    }
  }
  const toY = new Set<number>([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => toY.has(o.id))) {
      Object.values(node.inputs).forEach((t) => toY.add(t.id));
      nodesToY.add(node.id);
    }
  }
  return tape
    .filter((node) => nodesFromX.has(node.id) && nodesToY.has(node.id))
    .map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, t]) => fromX.has(t.id))) }));
}
