// Forcing the wasm heap to grow at a chosen moment. Growing the wasm memory detaches every typed
// array view of the old heap (they read as empty and drop writes), so a kernel that keeps a view
// across an allocation gives wrong numbers only when that allocation happens to grow the heap.
// These helpers make that happen deterministically, at any allocation of a kernel.
import { expect } from 'vitest';
import * as tf from '../../../src/engine/tf';
import { relativeError, runKernelCase, type KernelCase } from '../../../src/engine/kernels/kernelCases';

interface WasmModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

interface WasmBackendInternals {
  wasm: WasmModule;
  makeOutput: (...args: unknown[]) => tf.TensorInfo;
}

function wasmBackend(): WasmBackendInternals {
  const backend = tf.findBackend('wasm') as unknown as WasmBackendInternals | null;
  if (!backend) throw new Error('the wasm backend is not initialised');
  return backend;
}

export function heapBytes(): number {
  return wasmBackend().wasm.HEAPU8.length;
}

/**
 * Grows the heap now, by the smallest step emscripten takes (×1.2): fills the free space with
 * small blocks until one no longer fits, then frees them all. A ×2 growth per call would reach
 * gigabytes within a test file.
 */
export function growHeap(): void {
  const wasm = wasmBackend().wasm;
  const before = wasm.HEAPU8.buffer;
  const chunk = Math.max(1 << 16, Math.floor(wasm.HEAPU8.length / 64));
  const ballast: number[] = [];
  try {
    while (wasm.HEAPU8.buffer === before) {
      const p = wasm._malloc(chunk);
      if (!p) throw new Error('wasm malloc failed while growing the heap');
      ballast.push(p);
    }
  } finally {
    for (const p of ballast) wasm._free(p);
  }
}

export interface GrowthRun<T> {
  result: T;
  /** makeOutput calls `f` made (wasm allocations of tensor data). */
  allocations: number;
  /** Whether the heap buffer was replaced while `f` ran. */
  grew: boolean;
}

/** Runs `f`, growing the heap just before its `at`-th allocation (0-based; undefined: never). */
export function growingAt<T>(at: number | undefined, f: () => T): GrowthRun<T> {
  const backend = wasmBackend();
  const original = backend.makeOutput;
  const bufferBefore = backend.wasm.HEAPU8.buffer;
  let allocations = 0;
  backend.makeOutput = function (this: unknown, ...args: unknown[]) {
    if (allocations++ === at) growHeap();
    return original.apply(this, args);
  };
  try {
    const result = f();
    return { result, allocations, grew: backend.wasm.HEAPU8.buffer !== bufferBefore };
  } finally {
    backend.makeOutput = original;
  }
}

const TOLERANCE = 1e-5;

export const label = (c: KernelCase) => `${c.kernel} ${JSON.stringify(c.attrs)}`;

/** Grows the heap at the chosen allocations of the kernel ('first', 'middle', 'last'). */
export function expectAgreementUnderGrowth(c: KernelCase, at: Array<'first' | 'middle' | 'last'>): void {
  const reference = runKernelCase('cpu', c);
  expect(reference.some((v) => v !== 0)).toBe(true);
  const dry = growingAt(undefined, () => runKernelCase('wasm', c));
  expect(relativeError(dry.result, reference)).toBeLessThanOrEqual(TOLERANCE);
  // runKernelCase allocates the inputs first (one write each, not through makeOutput), then the
  // kernel runs: every makeOutput is the kernel's own.
  const index = { first: 0, middle: Math.floor((dry.allocations - 1) / 2), last: dry.allocations - 1 };
  const moments = [...new Set(at.map((m) => index[m]))].filter((n) => n >= 0);
  for (const at of moments) {
    const run = growingAt(at, () => runKernelCase('wasm', c));
    expect(run.grew, `heap grew at allocation ${at}`).toBe(true);
    expect(relativeError(run.result, reference), `${label(c)}, heap grown at allocation ${at} of ${dry.allocations}`).toBeLessThanOrEqual(TOLERANCE);
  }
}

