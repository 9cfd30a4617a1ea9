// The two re-expressions that make convolution gradients fast on wasm, shared by the regular and
// the depthwise kernels. Shapes are NHWC; `info` is the forward convolution's Conv2DInfo.
import * as tf from '../tf';
import type { KernelScope, Paddings } from './kernelScope';

type Info = tf.backend_util.Conv2DInfo;

/** Explicit 4-D padding in the form the wasm Conv2D/DepthwiseConv2dNative kernels accept. */
export type ConvPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Input gradient as a stride-1 forward convolution (run by `conv`, with the caller's flipped
 * filter) over the incoming gradient. For stride s > 1 the gradient is first spread out with s-1
 * zeros after every value. The forward padding turns into (span - padBefore) before and whatever
 * makes the output exactly the input size after; negative amounts become a crop of the result.
 */
export function transposedConv(
  s: KernelScope,
  dy: tf.TensorInfo,
  info: Info,
  conv: (x: tf.TensorInfo, pad: ConvPadding) => tf.TensorInfo,
): tf.TensorInfo {
  const [n, outH, outW, ch] = dy.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  let spread = dy;
  if (sh > 1 || sw > 1) {
    // [n, outH, 1, outW, 1, c] padded after the unit axes, read back as [n, outH*sh, outW*sw, c].
    const six = s.reshape(dy, [n, outH, 1, outW, 1, ch]);
    const padded = s.pad(six, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    spread = s.reshape(padded, [n, outH * sh, outW * sw, ch]);
  }
  const rows = transposedAxis(info.inHeight, outH * sh, info.effectiveFilterHeight - 1, info.padInfo.top);
  const cols = transposedAxis(info.inWidth, outW * sw, info.effectiveFilterWidth - 1, info.padInfo.left);
  const out = conv(spread, [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]]);
  if (rows.crop === 0 && cols.crop === 0 && out.shape[1] === info.inHeight && out.shape[2] === info.inWidth) return out;
  return s.window(out, [0, rows.crop, cols.crop, 0], [n, info.inHeight, info.inWidth, out.shape[3] ?? 0]);
}

function transposedAxis(inSize: number, spreadSize: number, span: number, padBefore: number) {
  const before = span - padBefore;
  const after = inSize + span - spreadSize - before;
  return { before: Math.max(0, before), after: Math.max(0, after), crop: Math.max(0, before) - before };
}

/**
 * Filter gradients need, for every filter tap (kh, kw), the input pixels that tap saw, i.e.
 * x_pad[n, y*s + kh*d, x*s + kw*d, c] for all outputs (y, x). Laid out channel-first and split
 * into stride phases, each tap's pixels are one contiguous range per channel: output row y and
 * column x sit at q*Wq + x within a phase plane of width Wq, and the tap just shifts the start.
 * The extra columns and rows this reads (Wq > outW, Hq > outH) meet zeros in `dyPlanes`.
 */
export interface TapWindows {
  /** Length of every window: batch * Hq * Wq. */
  length: number;
  /** dy zero-padded to [batch, Hq, Wq, outChannels], matching the windows position by position. */
  dyPlanes: tf.TensorInfo;
  /** [inChannels, length]: the input values tap (kh, kw) multiplies, per channel. */
  windowAt(kh: number, kw: number): tf.TensorInfo;
}

export function tapWindows(s: KernelScope, x: tf.TensorInfo, dy: tf.TensorInfo, info: Info): TapWindows {
  const [n, inH, inW, ch] = x.shape as [number, number, number, number];
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const rows = tapAxis(inH, info.outHeight, info.effectiveFilterHeight - 1, sh, info.padInfo.top);
  const cols = tapAxis(inW, info.outWidth, info.effectiveFilterWidth - 1, sw, info.padInfo.left);
  // Input rows and columns that no tap reaches (possible with 'valid' and stride > 1) are cut off.
  const used = rows.after < 0 || cols.after < 0
    ? s.window(x, [0, 0, 0, 0], [n, inH + Math.min(0, rows.after), inW + Math.min(0, cols.after), ch])
    : x;
  // One zero image after the batch: windows of later taps run past the last image's plane.
  const paddings: Paddings = [[0, 1], [info.padInfo.top, Math.max(0, rows.after)], [info.padInfo.left, Math.max(0, cols.after)], [0, 0]];
  const padded = s.pad(used, paddings);
  if (used !== x) s.release(used);
  const plane = rows.q * cols.q;
  const images = (n + 1) * plane;
  const flat = s.reshape(channelFirst(s, padded, rows.q, cols.q, sh, sw), [ch, sh * sw * images]);
  const length = n * plane;
  const dyPlanes = s.pad(dy, [[0, 0], [0, rows.q - info.outHeight], [0, cols.q - info.outWidth], [0, 0]]);
  return {
    length,
    dyPlanes,
    windowAt(kh: number, kw: number): tf.TensorInfo {
      const offH = kh * info.dilationHeight;
      const offW = kw * info.dilationWidth;
      const phase = (offW % sw) * sh + (offH % sh);
      const start = phase * (n + 1) * plane + Math.floor(offH / sh) * cols.q + Math.floor(offW / sw);
      return s.window(flat, [0, start], [ch, length]);
    },
  };
}

/**
 * [n+1, Hq*sh, Wq*sw, c] -> [c, sw, sh, n+1, Hq, Wq]: channel first, stride phases split out.
 * Done as transposes of rank <= 4, the only ranks the wasm Transpose handles quickly (its
 * generic path allocates per element).
 */
function channelFirst(s: KernelScope, padded: tf.TensorInfo, rowsQ: number, colsQ: number, sh: number, sw: number): tf.TensorInfo {
  const [images, , , ch] = padded.shape as [number, number, number, number];
  const planes = images * rowsQ * colsQ;
  let t = padded;
  const transposeAs = (shape: number[], perm: number[]) => {
    const view = s.reshape(t, shape);
    const next = s.transpose(view, perm);
    s.release(view);
    s.release(t);
    t = next;
  };
  if (sh > 1) transposeAs([images * rowsQ, sh, colsQ * sw * ch], [1, 0, 2]); // row phase first
  if (sw > 1) transposeAs([sh * planes, sw, ch], [1, 0, 2]); // then column phase
  transposeAs([sw * sh, planes, ch], [2, 0, 1]); // then channels
  return t;
}

/** Phase plane size q (outputs plus the largest tap shift) and the padding after the input. */
function tapAxis(inSize: number, outSize: number, span: number, stride: number, padBefore: number) {
  const q = outSize + Math.floor(span / stride);
  return { q, after: q * stride - inSize - padBefore };
}
