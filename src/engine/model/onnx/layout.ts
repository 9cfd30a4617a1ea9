// NCHW (ONNX) ↔ channels-last (the engine). Weights are converted once, at load time; run-time
// conversions happen only where an operator cannot work in the stored layout (see Layout).
import * as tf from '../../tf';
import { UserError } from '../../errors';
import type { ConstTensor } from './tensors';
import { isFloat, sizeOf } from './tensors';
import type { Layout } from './types';

/** A stored tensor in ONNX order. */
export function toOnnx(x: tf.Tensor, layout: Layout): tf.Tensor {
  if (layout.kind === 'nhwc') return tf.transpose(x, [0, 3, 1, 2]);
  if (layout.kind === 'flat-hwc') {
    const n = x.shape[0]!;
    return tf.reshape(tf.transpose(tf.reshape(x, [n, layout.h, layout.w, layout.c]), [0, 3, 1, 2]), [n, -1]);
  }
  return x;
}

/**
 * A stored tensor channels-last, broadcastable against [N, H, W, C]: an ONNX tensor of lower rank
 * first gets leading 1s (ONNX broadcasting aligns trailing dimensions), as ONNX would.
 */
export function toNhwc(x: tf.Tensor, layout: Layout): tf.Tensor {
  if (layout.kind === 'nhwc') return x;
  const t = toOnnx(x, layout);
  if (t.rank > 4) throw new UserError(`a ${t.rank}-D tensor cannot meet an image tensor (ConvScope reads 4-D image networks)`);
  return tf.transpose(t.rank === 4 ? t : tf.reshape(t, [...Array<number>(4 - t.rank).fill(1), ...t.shape]), [0, 2, 3, 1]);
}

/** The ONNX shape of a stored tensor. */
export function onnxShape(stored: number[], layout: Layout): number[] {
  if (layout.kind === 'nhwc') return [stored[0]!, stored[3]!, stored[1]!, stored[2]!];
  return stored;
}

/** The shape a layer table shows (no batch), channels-last for images. */
export function shownShape(stored: number[], layout: Layout): number[] {
  const s = layout.kind === 'plain' && stored.length === 4 ? [stored[0]!, stored[2]!, stored[3]!, stored[1]!] : stored;
  return s.slice(1);
}

export function constTensor(c: ConstTensor): tf.Tensor {
  return isFloat(c) ? tf.tensor(c.data, c.dims, 'float32') : tf.tensor(Array.from(c.data), c.dims, 'int32');
}

/** A constant operand of an element-wise op on image tensors, channels-last (see toNhwc). */
export function constNhwc(c: ConstTensor): tf.Tensor {
  if (c.dims.length > 4) throw new UserError(`a ${c.dims.length}-D constant cannot meet an image tensor`);
  const dims = [...Array<number>(4 - c.dims.length).fill(1), ...c.dims];
  return tf.tidy(() => tf.transpose(tf.reshape(constTensor(c), dims), [0, 2, 3, 1]));
}

/** Conv weights OIHW → HWIO, the layout of tf.conv2d's filter. */
export function convFilter(w: ConstTensor): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(constTensor(w), [2, 3, 1, 0]) as tf.Tensor4D);
}

/**
 * Depthwise weights [C·m, 1, kh, kw] → [kh, kw, C, m]: ONNX output channel c·m + k is input
 * channel c's k-th filter, as tf.depthwiseConv2d numbers them.
 */
export function depthwiseFilter(w: ConstTensor, channels: number): tf.Tensor4D {
  const [o, , kh, kw] = w.dims as [number, number, number, number];
  return tf.tidy(() => tf.transpose(tf.reshape(constTensor(w), [channels, o / channels, kh, kw]), [2, 3, 0, 1]) as tf.Tensor4D);
}

/**
 * A weight matrix [K, M] whose rows follow an NCHW flatten (C·H·W order), reordered to follow
 * the channels-last flatten (H·W·C order): row (y·w + x)·c + ch takes row ch·h·w + y·w + x.
 * Then flat-hwc activations times it give the ONNX model's numbers.
 */
export function rowsToHwc(b: Float32Array, m: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(b.length);
  if (b.length !== h * w * c * m) throw new Error(`rowsToHwc: ${b.length} values for ${h}×${w}×${c} rows of ${m}`);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        const from = (ch * h * w + y * w + x) * m;
        out.set(b.subarray(from, from + m), ((y * w + x) * c + ch) * m);
      }
    }
  }
  return out;
}

/** A 2-D float constant, transposed (Gemm's transB). */
export function transpose2d(c: ConstTensor & { data: Float32Array }): ConstTensor & { data: Float32Array } {
  const [r, k] = c.dims as [number, number];
  const out = new Float32Array(sizeOf(c.dims));
  for (let i = 0; i < r; i++) for (let j = 0; j < k; j++) out[j * r + i] = c.data[i * k + j]!;
  return { dims: [k, r], data: out };
}

/**
 * A dilated filter spelled out: zeros between the taps, dilation 1. TF.js has no gradient for
 * dilated convolutions (and no dilation with strides); the dense filter gives the same numbers.
 */
export function dilateFilter(f: tf.Tensor4D, d: [number, number]): tf.Tensor4D {
  const [kh, kw, i, o] = f.shape;
  const [eh, ew] = [(kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1];
  const data = f.dataSync();
  const out = new Float32Array(eh * ew * i * o);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) out.set(data.subarray((y * kw + x) * i * o, (y * kw + x + 1) * i * o), (y * d[0] * ew + x * d[1]) * i * o);
  }
  return tf.tensor4d(out, [eh, ew, i, o]);
}
