// Shared plumbing for the gradient kernels we add to the wasm backend: run the backend's own
// registered kernels, remember every intermediate they return and free it afterwards, so that a
// kernel built from ten smaller ones leaves exactly one data buffer behind (its output).
//
// Heap views. A typed-array view of the wasm heap is valid only until the next allocation: when
// malloc grows the wasm memory, the old ArrayBuffer is detached and every older view silently
// reads zeros (length 0, indexing gives undefined) and drops writes. So the scope is the only way a
// kernel sees the heap, and only through `compute`: it allocates the output first, then lends
// views of the output and the inputs to a synchronous callback, during which the scope refuses to
// allocate. A kernel therefore cannot hold a view across an allocation.
import * as tf from '../tf';

/** The part of tfjs-backend-wasm's BackendWasm that these kernels use. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.BackendValues): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  readSync(dataId: tf.DataId): tf.BackendValues;
  /** Drops one reference; Reshape shares the dataId and adds a reference, so each output is freed once. */
  disposeData(dataId: tf.DataId): boolean;
}

/** A heap view lent by `KernelScope.compute`; valid only inside its callback. */
export type HeapView = Float32Array | Int32Array | Uint8Array;

export type Paddings = Array<[number, number]>;

export class KernelScope {
  private readonly owned: tf.TensorInfo[] = [];
  /** True while `compute` lends heap views: any allocation then would detach them. */
  private lending = false;

  constructor(private readonly backend: WasmBackend) {}

  /** Runs the wasm backend's registered kernel `name`; the result is freed when the scope ends. */
  run(name: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    this.assertNotLending(name);
    const kernel = tf.getKernel(name, 'wasm');
    if (!kernel) throw new Error(`wasm kernel '${name}' is not registered`);
    // Concat takes an array of inputs although KernelFunc is typed with a map.
    const out = kernel.kernelFunc({ inputs: inputs as tf.NamedTensorInfoMap, backend: this.backend, attrs });
    if (Array.isArray(out)) throw new Error(`wasm kernel '${name}' returned several outputs`);
    return this.own(out);
  }

  /**
   * Allocates an output of `shape`, then lends `fill` views of it and of `inputs` (in order). The
   * views are taken after the allocation and die with the callback; allocating inside throws.
   */
  compute(shape: number[], dtype: tf.DataType, inputs: tf.TensorInfo[], fill: (out: HeapView, inputs: HeapView[]) => void): tf.TensorInfo {
    this.assertNotLending('an output');
    const out = this.own(this.backend.makeOutput(shape, dtype));
    if (tf.util.sizeFromShape(shape) === 0) return out;
    this.lending = true;
    try {
      fill(this.backend.typedArrayFromHeap(out), inputs.map((t) => this.backend.typedArrayFromHeap(t)));
    } finally {
      this.lending = false;
    }
    return out;
  }

  /** A tensor holding `values` (copied into the heap by the backend after it allocates). */
  constant(shape: number[], dtype: tf.DataType, values: tf.BackendValues): tf.TensorInfo {
    this.assertNotLending('a constant');
    return this.own(this.backend.makeOutput(shape, dtype, undefined, values));
  }

  /** A copy of `t`'s values (wasm readSync slices the heap): safe to keep across allocations. */
  read(t: tf.TensorInfo): tf.BackendValues {
    return this.backend.readSync(t.dataId);
  }

  /** Hands out a tensor made by a kernel the scope does not run itself (a stock kernel function). */
  own(t: tf.TensorInfo): tf.TensorInfo {
    this.owned.push(t);
    return t;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  pad(x: tf.TensorInfo, paddings: Paddings): tf.TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return this.reshape(x, x.shape);
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  /**
   * An in-bounds slice. The stock wasm Slice first copies its whole input out of the wasm heap
   * into a fresh JS array (readSync), for every slice; the per-tap windows of the filter
   * gradients would copy the whole input nine times per layer. This copies only the contiguous
   * runs it needs, straight between heap views.
   */
  window(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    const rank = x.shape.length;
    size.forEach((n, i) => {
      const b = begin[i] ?? 0;
      if (b < 0 || n < 0 || b + n > (x.shape[i] ?? 0)) throw new Error(`window [${begin}]+[${size}] outside [${x.shape}]`);
    });
    const strides = [...tf.util.computeStrides(x.shape), 1];
    // Trailing axes taken whole merge into one contiguous run.
    let inner = rank - 1;
    while (inner > 0 && begin[inner] === 0 && size[inner] === x.shape[inner]) inner--;
    return this.compute(size, x.dtype, [x], (dst, [src]) => {
      if (!src) return;
      if (rank === 0) {
        dst.set(src.subarray(0, 1));
        return;
      }
      const run = (size[inner] ?? 1) * (strides[inner] ?? 1);
      const outer = size.slice(0, inner);
      const count = tf.util.sizeFromShape(outer);
      const idx = new Array<number>(inner).fill(0);
      for (let r = 0; r < count; r++) {
        let from = (begin[inner] ?? 0) * (strides[inner] ?? 1);
        for (let a = 0; a < inner; a++) from += ((begin[a] ?? 0) + (idx[a] ?? 0)) * (strides[a] ?? 0);
        dst.set(src.subarray(from, from + run), r * run);
        for (let a = inner - 1; a >= 0; a--) {
          idx[a] = (idx[a] ?? 0) + 1;
          if ((idx[a] ?? 0) < (outer[a] ?? 0)) break;
          idx[a] = 0;
        }
      }
    });
  }

  /**
   * Reverses the order along axis 0 by copying whole blocks. The stock wasm Reverse works element
   * by element: ~70 CPU-ms for a 3x3x512x512 filter, against about 1 ms for these copies.
   */
  reverseOuter(x: tf.TensorInfo): tf.TensorInfo {
    return this.compute(x.shape, x.dtype, [x], (dst, [src]) => {
      if (!src) return;
      const count = x.shape[0] ?? 1;
      const block = src.length / Math.max(count, 1);
      for (let i = 0; i < count; i++) dst.set(src.subarray((count - 1 - i) * block, (count - i) * block), i * block);
    });
  }

  /** Frees an intermediate early, to keep the peak memory of multi-step kernels down. */
  release(t: tf.TensorInfo): void {
    const i = this.owned.indexOf(t);
    if (i < 0) return;
    this.owned.splice(i, 1);
    this.backend.disposeData(t.dataId);
  }

  /** Hands `t` to the caller: the scope will not free it. */
  keep(t: tf.TensorInfo): tf.TensorInfo {
    const i = this.owned.indexOf(t);
    // A kernel must return a fresh reference, never one of its inputs as is.
    if (i < 0) throw new Error('kernel result was not produced inside its scope');
    this.owned.splice(i, 1);
    return t;
  }

  private assertNotLending(what: string): void {
    // Not an assertion about inputs: a kernel written against the rule above broke it.
    if (this.lending) throw new Error(`wasm kernel allocated ${what} while holding heap views`);
  }

  disposeAll(): void {
    for (const t of this.owned.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/** Runs `body` with a fresh scope; everything but its result is freed, also when it throws. */
export function inScope(backend: unknown, body: (s: KernelScope) => tf.TensorInfo): tf.TensorInfo {
  const scope = new KernelScope(backend as WasmBackend);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.disposeAll();
  }
}
