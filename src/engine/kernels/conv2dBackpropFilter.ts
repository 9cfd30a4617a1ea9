// Conv2DBackpropFilter for wasm (missing there; any weight gradient needs it): one matrix product
// per filter tap, dW[kh, kw] = X_tap^T · dY, on the backend's XNNPACK BatchMatMul.
import * as tf from '../tf';
import { tapWindows } from './convGradParts';
import { inScope } from './kernelScope';

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const inputs = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const [fh, fw, inCh, outCh] = attrs.filterShape;
    return inScope(args.backend, (s) => {
      // The tap windows are built for NHWC; NCHW inputs are transposed once.
      const nchw = attrs.dataFormat === 'NCHW';
      const x = nchw ? s.transpose(inputs.x, [0, 2, 3, 1]) : inputs.x;
      const dy = nchw ? s.transpose(inputs.dy, [0, 2, 3, 1]) : inputs.dy;
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape,
        attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
      const taps = tapWindows(s, x, dy, info);
      // wasm BatchMatMul is fast (XNNPACK) only for one batch and no transpose flags; with dY as
      // the right operand it is packed once and reused by every tap (cached on its tensor id).
      const dyMatrix = s.reshape(taps.dyPlanes, [taps.length, outCh]);
      const perTap: tf.TensorInfo[] = [];
      for (let kh = 0; kh < fh; kh++) {
        for (let kw = 0; kw < fw; kw++) {
          const window = taps.windowAt(kh, kw);
          perTap.push(s.run('BatchMatMul', { a: window, b: dyMatrix }, { transposeA: false, transposeB: false }));
          s.release(window);
        }
      }
      // Taps in (kh, kw) order, each [inCh, outCh]: concatenated they are the filter's layout.
      const stacked = s.run('Concat', perTap, { axis: 0 });
      return s.reshape(stacked, [fh, fw, inCh, outCh]);
    });
  },
};
