// The vocabulary of the ONNX graph compiler (graph.ts) and its operator table (ops*.ts).
import type * as tf from '../../tf';
import type { ReluRule } from '../loadedModel';
import type { SpatialOp } from '../receptiveField';
import type { OnnxAttribute, OnnxNode } from './proto';
import type { ConstTensor } from './tensors';

/**
 * How a run-time tensor is stored. The engine works channels-last, ONNX is NCHW: image tensors are
 * kept [N, H, W, C] ('nhwc') from the input on, converted once at load time (weights), never per
 * op. 'plain' is ONNX order. 'flat-hwc' is an NCHW flatten done channels-last: [N, H·W·C] in
 * H·W·C order where ONNX has C·H·W; a Gemm/MatMul with constant weights absorbs it by permuting
 * its weight rows at load time (the classic trap), anything else converts it back.
 */
export type Layout = { kind: 'nhwc' } | { kind: 'plain' } | { kind: 'flat-hwc'; h: number; w: number; c: number };

/** A value computed at run time: its ONNX shape (dim 0 the batch; 1 while compiling) and layout. */
export interface RuntimeValue {
  kind: 'runtime';
  shape: number[];
  layout: Layout;
}

export interface ConstValue {
  kind: 'const';
  value: ConstTensor;
}

export type Value = RuntimeValue | ConstValue;

/** What an operator's builder sees of its node, at load time. */
export interface NodeCtx {
  file: string;
  node: OnnxNode;
  /** The node's name, or its first output's when it has none. */
  name: string;
  opset: number;
  /** One per node input; undefined for an omitted optional input (''). */
  inputs: (Value | undefined)[];
  attr(name: string): OnnxAttribute | undefined;
  /** A constant input; a UserError naming the node if it is computed at run time. */
  constInput(index: number, what: string): ConstTensor | undefined;
  /** Tensors made at load time (converted weights): disposed with the model. */
  keep<T extends tf.Tensor>(t: T): T;
}

/** One compiled node. */
export interface Built {
  /** Run-time inputs by node input index (constants are inside the closure); rule for ReLUs. */
  run(xs: (tf.Tensor | undefined)[], rule: Partial<ReluRule>): tf.Tensor[];
  /** Layout of each output. */
  layouts: Layout[];
  /** For receptive fields; default 'pass'. */
  spatial?: SpatialOp;
  /** Conv kernel channels-last [kh, kw, in, out] (depthwise [kh, kw, in, multiplier]). */
  kernel?: tf.Tensor4D;
  /** Number of weights the node holds. */
  params?: number;
}

export type OpBuilder = (ctx: NodeCtx) => Built;

export const nhwc: Layout = { kind: 'nhwc' };
export const plain: Layout = { kind: 'plain' };
