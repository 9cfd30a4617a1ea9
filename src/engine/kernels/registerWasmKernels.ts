// Gradient kernels for the wasm backend: the ones it lacks, a fast Conv2DBackpropInput in
// place of its plain-loop one, a BatchMatMul without the slow transposed paths, and a MaxPoolGrad
// that routes tied maxima like PyTorch.
// Each kernel lives in its own file; this one only wires them, and can take them all out again
// (restoreStockKernels) when the start-up self-check finds one that disagrees with the cpu backend.
import * as tf from '../tf';
import { batchMatMulConfig } from './batchMatMul';
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter';
import { cpuBridgeConfig } from './cpuBridge';
import { conv2dBackpropInputConfig } from './conv2dBackpropInput';
import { depthwiseBackpropFilterConfig } from './depthwiseBackpropFilter';
import { depthwiseBackpropInputConfig } from './depthwiseBackpropInput';
import { maxPoolGradConfig } from './maxPoolGrad';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';

/** Our kernel for `name` and the stock one it replaced (undefined: wasm had none). */
interface Installed {
  ours: tf.KernelConfig;
  stock: tf.KernelConfig | undefined;
}

const installed = new Map<string, Installed>();
let registered = false;

/** Registers the kernels for backend 'wasm'. Idempotent; safe before or after the backend starts. */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  registered = true;
  // Added only where missing, so a later tfjs-backend-wasm that ships its own keeps it.
  for (const config of [conv2dBackpropFilterConfig, depthwiseBackpropInputConfig, depthwiseBackpropFilterConfig, unsortedSegmentSumConfig]) {
    if (!tf.getKernel(config.kernelName, 'wasm')) replace(config, undefined);
  }
  const stockBackpropInput = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  replace(conv2dBackpropInputConfig(stockBackpropInput), stockBackpropInput);
  const stockMatMul = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (stockMatMul) replace(batchMatMulConfig(stockMatMul), stockMatMul);
  // The stock MaxPoolGrad drops the gradient of windows with tied maxima; ours is a fix, not a speed-up.
  replace(maxPoolGradConfig, tf.getKernel(tf.MaxPoolGrad, 'wasm'));
}

/** The kernel names we registered (the self-check runs each of them). */
export function ourKernelNames(): string[] {
  return [...installed.keys()];
}

/**
 * Takes every kernel of ours out again: the stock kernel comes back where wasm had one, and the
 * ones wasm lacks run the cpu backend's kernel on copies (slow, but right).
 */
export function restoreStockKernels(): void {
  for (const [name, { stock }] of installed) {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock ?? cpuBridgeConfig(name));
  }
  installed.clear();
  registered = false;
}

/** Switches Conv2DBackpropInput between the stock wasm kernel and ours (for benchmarks). */
export function useStockConv2DBackpropInput(stock: boolean): void {
  registerWasmGradientKernels();
  const entry = installed.get(tf.Conv2DBackpropInput);
  const wanted = stock ? entry?.stock : entry?.ours;
  if (!wanted) throw new Error('the wasm backend has no stock Conv2DBackpropInput kernel');
  install(wanted);
}

function replace(ours: tf.KernelConfig, stock: tf.KernelConfig | undefined): void {
  installed.set(ours.kernelName, { ours, stock });
  install(ours);
}

function install(config: tf.KernelConfig): void {
  const current = tf.getKernel(config.kernelName, 'wasm');
  if (current === config) return;
  if (current) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}
