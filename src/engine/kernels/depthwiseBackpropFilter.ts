// DepthwiseConv2dNativeBackpropFilter for wasm (missing there; MobileNet weight gradients need
// it): per filter tap, a per-channel dot product of the pixels the tap saw with dy.
import * as tf from '../tf';
import { tapWindows } from './convGradParts';
import { inScope } from './kernelScope';

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
    const [fh, fw, ch, mult] = attrs.filterShape;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape,
      attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode, true, 'channelsLast');
    return inScope(args.backend, (s) => {
      const taps = tapWindows(s, x, dy, info);
      // dy channel c*mult + q belongs to input channel c: as [ch, mult, length] it lines up with
      // the [ch, 1, length] windows, and the broadcast product summed over its innermost axis
      // (no transpose needed in the wasm Sum) is that tap's [ch, mult] gradient.
      const dyT = s.transpose(taps.dyPlanes, [3, 0, 1, 2]);
      const dyGroups = s.reshape(dyT, [ch, mult, taps.length]);
      s.release(dyT);
      const perTap: tf.TensorInfo[] = [];
      for (let kh = 0; kh < fh; kh++) {
        for (let kw = 0; kw < fw; kw++) {
          const window = taps.windowAt(kh, kw);
          const column = s.reshape(window, [ch, 1, taps.length]);
          s.release(window);
          const product = s.run('Multiply', { a: column, b: dyGroups });
          s.release(column);
          perTap.push(s.run('Sum', { x: product }, { axis: [2], keepDims: false }));
          s.release(product);
        }
      }
      const stacked = s.run('Concat', perTap, { axis: 0 });
      return s.reshape(stacked, [fh, fw, ch, mult]);
    });
  },
};
