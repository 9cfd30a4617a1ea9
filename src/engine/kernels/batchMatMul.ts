import * as tf from '../tf';
import { inScope } from './kernelScope';

/**
 * BatchMatMul for wasm without the slow transposed paths. The stock kernel is fast only when
 * neither operand is transposed (ENGINE.md: 8.5 ms vs ~120 ms for 64×16384×64), and a Dense
 * layer's backward pass asks for exactly those: dx = dy·Wᵀ and dW = xᵀ·dy. Each product is
 * re-expressed with explicit transposes, choosing the cheaper of two identities by the number of
 * elements moved: A·Bᵀ = (B·Aᵀ)ᵀ and Aᵀ·B = (Bᵀ·A)ᵀ. For batch-1 gradients this transposes
 * only vectors, never the 25088×4096 weight matrix of a VGG classifier.
 */
export function batchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.BatchMatMul,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(args);
      return inScope(args.backend, (s) => {
        const swap = (t: tf.TensorInfo) => s.transpose(t, swapLastTwo(t.shape.length));
        const plain = (x: tf.TensorInfo, y: tf.TensorInfo) => s.own(stock.kernelFunc({ ...args, inputs: { a: x, b: y }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as tf.TensorInfo);
        const size = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape);
        const outSize = outputSize(a.shape, b.shape, transposeA, transposeB);
        if (transposeA && transposeB) return swap(plain(b, a)); // Aᵀ·Bᵀ = (B·A)ᵀ
        if (transposeB) return size(b) <= size(a) + outSize ? plain(a, swap(b)) : swap(plain(b, swap(a)));
        return size(a) <= size(b) + outSize ? plain(swap(a), b) : swap(plain(swap(b), a));
      });
    },
  };
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

function outputSize(a: number[], b: number[], transposeA: boolean, transposeB: boolean): number {
  const rows = transposeA ? a[a.length - 1]! : a[a.length - 2]!;
  const cols = transposeB ? b[b.length - 2]! : b[b.length - 1]!;
  const batch = Math.max(tf.util.sizeFromShape(a.slice(0, -2)), tf.util.sizeFromShape(b.slice(0, -2)));
  return batch * rows * cols;
}
