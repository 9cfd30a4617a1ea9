// A fix for the cpu backend's ResizeNearestNeighborGrad (tfjs-backend-cpu 4.22): it reads the
// incoming gradient of image b at b × (the *input's* batch stride), so every image after the first
// gets gradients from the wrong place (found by the style-train test comparing wasm to cpu: the
// transform net's upsampling). Batches of one are right; this runs the stock kernel image by image.
import * as tf from '../tf';
import { rawBackend } from './rawBackend';

let registered = false;

/** Replaces the cpu kernel by the per-image wrapper. Idempotent. */
export function registerCpuKernelFixes(): void {
  if (registered) return;
  const stock = tf.getKernel(tf.ResizeNearestNeighborGrad, 'cpu');
  if (!stock) return;
  registered = true;
  tf.unregisterKernel(tf.ResizeNearestNeighborGrad, 'cpu');
  tf.registerKernel({ ...stock, kernelFunc: (args) => perImage(stock, args) });
}

function perImage(stock: tf.KernelConfig, { inputs, backend, attrs }: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const images = inputs.images!;
  const dy = inputs.dy!;
  const batch = images.shape[0]!;
  if (batch <= 1) return stock.kernelFunc({ inputs, backend, attrs }) as tf.TensorInfo;
  const cpu = rawBackend('cpu');
  const imageSize = images.shape.slice(1).reduce((a, b) => a * b, 1);
  const dySize = dy.shape.slice(1).reduce((a, b) => a * b, 1);
  const imageValues = cpu.readSync(images.dataId) as Float32Array;
  const dyValues = cpu.readSync(dy.dataId) as Float32Array;
  const output = new Float32Array(batch * imageSize);
  for (let b = 0; b < batch; b++) {
    const one = (t: tf.TensorInfo, values: Float32Array, size: number): tf.TensorInfo => ({ ...t, shape: [1, ...t.shape.slice(1)], dataId: cpu.write(values.subarray(b * size, (b + 1) * size).slice(), [1, ...t.shape.slice(1)], 'float32') });
    const imageOne = one(images, imageValues, imageSize);
    const dyOne = one(dy, dyValues, dySize);
    try {
      const out = stock.kernelFunc({ inputs: { images: imageOne, dy: dyOne }, backend, attrs }) as tf.TensorInfo;
      output.set(cpu.readSync(out.dataId) as Float32Array, b * imageSize);
      cpu.disposeData(out.dataId, true);
    } finally {
      cpu.disposeData(imageOne.dataId, true);
      cpu.disposeData(dyOne.dataId, true);
    }
  }
  return { dataId: cpu.write(output, images.shape, 'float32'), shape: images.shape, dtype: 'float32' };
}
