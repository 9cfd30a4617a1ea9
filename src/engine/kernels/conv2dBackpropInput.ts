// Conv2DBackpropInput for wasm as the backend's fast (XNNPACK) Conv2D on the flipped filter. The
// stock wasm kernel is a plain loop: it was 10.9 s of a 12.3 s input-gradient profile.
import * as tf from '../tf';
import { transposedConv } from './convGradParts';
import { inScope } from './kernelScope';

type Attrs = tf.Conv2DBackpropInputAttrs & { dilations?: number | [number, number] };

/** Our replacement; `stock` runs what it does not cover (NCHW, dilations > 1, non-float32). */
export function conv2dBackpropInputConfig(stock: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    // Registered in the stock kernel's place, so its set-up must still run when the backend starts.
    setupFunc: stock?.setupFunc,
    kernelFunc: (args) => {
      const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
      const attrs = args.attrs as unknown as Attrs;
      const dilations = attrs.dilations ?? 1;
      const simple = attrs.dataFormat !== 'NCHW' && dy.dtype === 'float32' && filter.dtype === 'float32' &&
        (Array.isArray(dilations) ? dilations.every((d) => d === 1) : dilations === 1);
      if (!simple) {
        if (!stock) throw new Error('Conv2DBackpropInput: case not covered and no stock wasm kernel to fall back on');
        return stock.kernelFunc(args);
      }
      const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number],
        attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
      return inScope(args.backend, (s) => {
        // Gradient w.r.t. the input = correlation of dy with the filter rotated 180° and with its
        // in/out channels swapped: [kh, kw, in, out] -> [kh, kw, out, in]. Rotating both spatial
        // axes is reversing the kh*kw taps as one axis.
        const [fh, fw, inCh, outCh] = filter.shape as [number, number, number, number];
        const swapped = s.transpose(s.reshape(filter, [fh * fw, inCh, outCh]), [0, 2, 1]);
        const flipped = s.reshape(s.reverseOuter(swapped), [fh, fw, outCh, inCh]);
        s.release(swapped);
        return transposedConv(s, dy, info, (x, pad) =>
          s.run('Conv2D', { x, filter: flipped }, { strides: [1, 1], pad, dilations: [1, 1], dataFormat: 'NHWC' }));
      });
    },
  };
}
