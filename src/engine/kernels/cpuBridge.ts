// A wasm kernel that runs the cpu backend's kernel of the same name on copies of its inputs. Used
// only when our own kernels failed the start-up self-check and wasm has no stock kernel to fall
// back on (Conv2DBackpropFilter, the depthwise backprops, UnsortedSegmentSum): slow on large
// inputs (ENGINE.md), but right, where the alternative is no gradient at all — every fused
// Conv2D gradient computes its filter gradient too.
import * as tf from '../tf';
import { rawBackend, type RawBackend } from './rawBackend';

export function cpuBridgeConfig(kernelName: string): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as Required<RawBackend>;
      const cpu = rawBackend('cpu');
      const kernel = tf.getKernel(kernelName, 'cpu');
      if (!kernel) throw new Error(`${kernelName}: no cpu kernel to fall back on`);
      const copies: tf.NamedTensorInfoMap = {};
      for (const [name, t] of Object.entries(inputs)) {
        if (t) copies[name] = { ...t, dataId: cpu.write(wasm.readSync(t.dataId), t.shape, t.dtype) };
      }
      try {
        const out = kernel.kernelFunc({ inputs: copies, backend: cpu as unknown as tf.KernelBackend, attrs });
        if (Array.isArray(out)) throw new Error(`${kernelName}: several outputs are not bridged`);
        try {
          return wasm.makeOutput(out.shape, out.dtype, undefined, cpu.readSync(out.dataId));
        } finally {
          cpu.disposeData(out.dataId, true);
        }
      } finally {
        for (const t of Object.values(copies)) if (t) cpu.disposeData(t.dataId, true);
      }
    },
  };
}
