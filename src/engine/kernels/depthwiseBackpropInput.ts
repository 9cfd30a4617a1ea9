// DepthwiseConv2dNativeBackpropInput for wasm (missing there; MobileNet input gradients need it),
// as the backend's fast depthwise convolution on the flipped filter.
import * as tf from '../tf';
import { transposedConv } from './convGradParts';
import { inScope } from './kernelScope';

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
    const [fh, fw, ch, mult] = filter.shape as [number, number, number, number];
    const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, [fh, fw, ch, mult], attrs.strides,
      attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast');
    return inScope(args.backend, (s) => {
      // Output channel c*mult + q came from input channel c through filter[:, :, c, q]. Running
      // every output channel through its own rotated filter slice (a multiplier-1 depthwise
      // convolution over ch*mult channels) and summing each group of mult gives dx. Rotating the
      // filter 180° is reversing its kh*kw taps as one axis.
      const rotated = s.reverseOuter(s.reshape(filter, [fh * fw, ch * mult]));
      const flipped = s.reshape(rotated, [fh, fw, ch * mult, 1]);
      return transposedConv(s, dy, info, (x, pad) => {
        const spread = s.run('DepthwiseConv2dNative', { x, filter: flipped },
          { strides: [1, 1], pad, dilations: [info.dilationHeight, info.dilationWidth] });
        if (mult === 1) return spread;
        const [n, h, w] = spread.shape as [number, number, number, number];
        const grouped = s.reshape(spread, [n, h, w, ch, mult]);
        s.release(spread);
        // The summed axis is innermost, so the wasm Sum needs no transpose.
        return s.run('Sum', { x: grouped }, { axis: [4], keepDims: false });
      });
    });
  },
};
