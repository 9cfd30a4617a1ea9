// A deliberately wrong kernel, to prove that the start-up self-check catches one and falls back:
// used by tests through CONVSCOPE_TEST_FAULTY_KERNEL=<kernel name> (the CLI and the engine child
// read it), so that the fallback can be seen end to end where users see it.
import * as tf from '../tf';

interface HeapAccess {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** Replaces the wasm kernel `name` by one that returns half of the right answer. */
export function injectFaultyKernel(name: string): void {
  const good = tf.getKernel(name, 'wasm');
  if (!good) throw new Error(`no wasm kernel '${name}' to make faulty`);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    ...good,
    kernelFunc: (args) => {
      const out = good.kernelFunc(args) as tf.TensorInfo;
      // The view is taken after the output exists and used before anything else allocates.
      const values = (args.backend as unknown as HeapAccess).typedArrayFromHeap(out);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! * 0.5;
      return out;
    },
  });
}
