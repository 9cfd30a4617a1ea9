// One small case per kernel we register on wasm, run by the start-up self-check against the cpu
// backend (and, larger, by the heap-growth tests). A case is plain data: shapes, attributes and
// seeded inputs, run straight on a backend object so it touches no engine state.
import * as tf from '../tf';
import { rawBackend } from './rawBackend';

interface InputSpec {
  shape: number[];
  /** int32 inputs hold ids in [0, idRange); float32 inputs hold seeded values in [-1, 1). */
  idRange?: number;
  /** Rounds float values to multiples of 1/3 so that max-pool windows have tied maxima. */
  coarse?: boolean;
}

export interface KernelCase {
  kernel: string;
  inputs: Record<string, InputSpec>;
  attrs: tf.NamedAttrMap;
}

/** `scale` multiplies spatial sizes and channel counts: 1 for the self-check, larger for tests. */
export function kernelCases(scale = 1): KernelCase[] {
  const s = (n: number) => n * scale;
  const convAttrs = { strides: 2, pad: 'same', dataFormat: 'NHWC' };
  const x = [2, s(7), s(7), s(3)];
  const filter = [3, 3, s(3), s(4)];
  const dy = [2, Math.ceil(s(7) / 2), Math.ceil(s(7) / 2), s(4)];
  const dwFilter = [3, 3, s(3), 2];
  const dwDy = [2, Math.ceil(s(7) / 2), Math.ceil(s(7) / 2), s(3) * 2];
  const pooled = [2, Math.floor(s(6) / 2), Math.floor(s(6) / 2), s(3)];
  return [
    { kernel: tf.MaxPoolGrad, inputs: { input: { shape: [2, s(6), s(6), s(3)], coarse: true }, dy: { shape: pooled }, output: { shape: pooled } },
      attrs: { filterSize: 2, strides: 2, pad: 'valid' } },
    { kernel: tf.Conv2DBackpropInput, inputs: { dy: { shape: dy }, filter: { shape: filter } }, attrs: { ...convAttrs, inputShape: x } },
    { kernel: tf.Conv2DBackpropFilter, inputs: { x: { shape: x }, dy: { shape: dy } }, attrs: { ...convAttrs, filterShape: filter } },
    { kernel: tf.DepthwiseConv2dNativeBackpropInput, inputs: { dy: { shape: dwDy }, filter: { shape: dwFilter } },
      attrs: { strides: 2, pad: 'same', dilations: 1, inputShape: x } },
    { kernel: tf.DepthwiseConv2dNativeBackpropFilter, inputs: { x: { shape: x }, dy: { shape: dwDy } },
      attrs: { strides: 2, pad: 'same', dilations: 1, filterShape: dwFilter } },
    { kernel: tf.BatchMatMul, inputs: { a: { shape: [1, s(7), s(5)] }, b: { shape: [1, s(7), s(6)] } }, attrs: { transposeA: true, transposeB: false } },
    { kernel: tf.BatchMatMul, inputs: { a: { shape: [2, s(5), s(7)] }, b: { shape: [2, s(6), s(7)] } }, attrs: { transposeA: false, transposeB: true } },
    { kernel: tf.UnsortedSegmentSum, inputs: { x: { shape: [s(10), 4] }, segmentIds: { shape: [s(10)], idRange: 6 } }, attrs: { numSegments: 5 } },
  ];
}

/** The seeded values of one input (mulberry32, so every backend and run sees the same numbers). */
export function caseValues(spec: InputSpec, seed: number): Float32Array | Int32Array {
  const count = spec.shape.reduce((a, b) => a * b, 1);
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  if (spec.idRange !== undefined) return Int32Array.from({ length: count }, () => Math.floor(next() * spec.idRange!));
  return Float32Array.from({ length: count }, () => {
    const v = next() * 2 - 1;
    return spec.coarse ? Math.round(v * 3) / 3 : v;
  });
}

/**
 * Runs the kernel registered for `backendName` on the case's inputs, straight on the backend
 * object (no tensors, no backend switch), and returns a copy of the output. Frees what it made.
 */
export function runKernelCase(backendName: 'wasm' | 'cpu', c: KernelCase): Float32Array {
  const backend = rawBackend(backendName);
  const kernel = tf.getKernel(c.kernel, backendName);
  if (!kernel) throw new Error(`${c.kernel} is not registered for ${backendName}`);
  const inputs: tf.NamedTensorInfoMap = {};
  Object.entries(c.inputs).forEach(([name, spec], i) => {
    const dtype = spec.idRange === undefined ? 'float32' : 'int32';
    inputs[name] = { dataId: backend.write(caseValues(spec, 17 + i), spec.shape, dtype), shape: spec.shape, dtype };
  });
  try {
    const out = kernel.kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: c.attrs });
    if (Array.isArray(out)) throw new Error(`${c.kernel} returned several outputs`);
    try {
      return Float32Array.from(backend.readSync(out.dataId) as Float32Array);
    } finally {
      backend.disposeData(out.dataId, true);
    }
  } finally {
    for (const t of Object.values(inputs)) if (t) backend.disposeData(t.dataId, true);
  }
}

/** ‖a − b‖ / ‖b‖, with a length mismatch counted as total disagreement. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  const err = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
  return Number.isNaN(err) ? Infinity : err;
}
