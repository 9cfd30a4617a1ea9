// ConvTranspose (decoders, U-Net style upsampling): the full transposed convolution, then the
// ONNX pads cropped off (output_padding widens the end first, so cropped rows can still hold
// values, as in PyTorch).
import * as tf from '../../tf';
import { attrInt, attrIntList, attrString, fail, runtimeInput } from './attrs';
import { constTensor, convFilter, dilateFilter, toNhwc } from './layout';
import { sizeOf } from './tensors';
import { nhwc, type OpBuilder } from './types';

export const convTranspose: OpBuilder = (ctx) => {
  const x = runtimeInput(ctx, 0);
  const w = ctx.constInput(1, 'weights')!;
  const b = ctx.constInput(2, 'bias');
  if (w.dims.length !== 4 || x.shape.length !== 4) fail(ctx, `only 2-D transposed convolutions are supported (weights [${w.dims.join(', ')}])`);
  if (attrInt(ctx, 'group', 1) !== 1) fail(ctx, 'grouped transposed convolutions are not supported');
  if (attrString(ctx, 'auto_pad', 'NOTSET') !== 'NOTSET' || ctx.attr('output_shape')) fail(ctx, 'auto_pad and output_shape are not supported; export with explicit pads');
  const [inC, outC, kh, kw] = w.dims as [number, number, number, number];
  if (inC !== x.shape[1]) fail(ctx, `weights [${w.dims.join(', ')}] do not fit ${x.shape[1]} input channels`);
  const strides = (attrIntList(ctx, 'strides') ?? [1, 1]) as [number, number];
  const dilations = (attrIntList(ctx, 'dilations') ?? [1, 1]) as [number, number];
  const pads = attrIntList(ctx, 'pads') ?? [0, 0, 0, 0];
  const outputPadding = attrIntList(ctx, 'output_padding') ?? [0, 0];
  // [in, out, kh, kw] → [kh, kw, out, in]: the filter layout of tf.conv2dTranspose.
  const original = ctx.keep(convFilter(w));
  const filter = dilations.some((d) => d > 1) ? ctx.keep(dilateFilter(original, dilations)) : original;
  const [eh, ew] = [filter.shape[0], filter.shape[1]];
  const bias = b ? ctx.keep(constTensor(b)) : undefined;
  return {
    run: ([input]) => {
      const t = toNhwc(input!, x.layout) as tf.Tensor4D;
      const [n, h, wd] = t.shape;
      const full = [(h - 1) * strides[0] + eh, (wd - 1) * strides[1] + ew];
      const y = tf.conv2dTranspose(t, filter, [n, full[0]! + outputPadding[0]!, full[1]! + outputPadding[1]!, outC], strides, 'valid');
      const size = [full[0]! - pads[0]! - pads[2]! + outputPadding[0]!, full[1]! - pads[1]! - pads[3]! + outputPadding[1]!];
      const cropped = tf.slice(y, [0, pads[0]!, pads[1]!, 0], [n, size[0]!, size[1]!, outC]);
      return [bias ? tf.add(cropped, bias) : cropped];
    },
    layouts: [nhwc],
    spatial: { kind: 'upsample', upsample: strides },
    kernel: original,
    params: sizeOf(w.dims) + (b ? sizeOf(b.dims) : 0),
  };
};
