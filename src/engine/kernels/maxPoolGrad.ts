import * as tf from '../tf';
import { inScope } from './kernelScope';

/**
 * MaxPoolGrad for wasm with PyTorch's and tfjs-cpu's tie rule: each window's gradient goes to the
 * FIRST maximum in row-major window order. The stock wasm kernel loses the gradient of windows
 * whose maximum is tied (measured: a 2×2 window of zeros passes nothing), which is exactly what a
 * max-pool after a ReLU sees in dead regions; Grad-CAM on post-ReLU layers and integrated gradients
 * near the black baseline depend on it. A plain loop is fine here: pooling is cheap next to convs.
 *
 * The heap views come from `KernelScope.compute`, after the output is allocated: an earlier
 * version read views of x and dy taken before allocating dx, which the allocation could detach
 * when it grew the wasm memory (integrated gradients then changed with the batch size).
 */
export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    return inScope(backend, (s) => s.compute(input.shape, 'float32', [input, dy], (dx, [x, g]) => {
      if (!x || !g) return;
      dx.fill(0);
      routeToFirstMaximum(info, x, g, dx);
    }));
  },
};

type Values = Float32Array | Int32Array | Uint8Array;

function routeToFirstMaximum(info: tf.backend_util.Conv2DInfo, x: Values, g: Values, dx: Values): void {
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, effectiveFilterHeight: kh, effectiveFilterWidth: kw } = info;
  const { top, left } = info.padInfo;
  for (let b = 0; b < batchSize; b++) {
    for (let r = 0; r < outHeight; r++) {
      const r0 = r * strideHeight - top;
      for (let c = 0; c < outWidth; c++) {
        const c0 = c * strideWidth - left;
        for (let d = 0; d < C; d++) {
          let best = -Infinity;
          let at = -1;
          for (let i = Math.max(r0, 0); i < Math.min(r0 + kh, H); i++) {
            for (let j = Math.max(c0, 0); j < Math.min(c0 + kw, W); j++) {
              const k = ((b * H + i) * W + j) * C + d;
              if (x[k]! > best) {
                best = x[k]!;
                at = k;
              }
            }
          }
          if (at >= 0) dx[at]! += g[((b * outHeight + r) * outWidth + c) * C + d]!;
        }
      }
    }
  }
}
