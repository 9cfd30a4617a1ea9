// Gradient kernels for the wasm backend: the ones it lacks, a fast Conv2DBackpropInput in
// place of its plain-loop one, a BatchMatMul without the slow transposed paths, and a MaxPoolGrad
// that routes tied maxima like PyTorch.
// Each kernel lives in its own file; this one only wires them.
import * as tf from '../tf';
import { batchMatMulConfig } from './batchMatMul';
import { conv2dBackpropFilterConfig } from './conv2dBackpropFilter';
import { conv2dBackpropInputConfig } from './conv2dBackpropInput';
import { depthwiseBackpropFilterConfig } from './depthwiseBackpropFilter';
import { depthwiseBackpropInputConfig } from './depthwiseBackpropInput';
import { maxPoolGradConfig } from './maxPoolGrad';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';

let stockBackpropInput: tf.KernelConfig | undefined;
let fastBackpropInput: tf.KernelConfig | undefined;

/** Registers the kernels for backend 'wasm'. Idempotent; safe before or after the backend starts. */
export function registerWasmGradientKernels(): void {
  if (fastBackpropInput) return;
  stockBackpropInput = tf.getKernel(tf.Conv2DBackpropInput, 'wasm');
  fastBackpropInput = conv2dBackpropInputConfig(stockBackpropInput);
  // Added only where missing, so a later tfjs-backend-wasm that ships its own keeps it.
  for (const config of [conv2dBackpropFilterConfig, depthwiseBackpropInputConfig, depthwiseBackpropFilterConfig, unsortedSegmentSumConfig]) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
  install(fastBackpropInput);
  const stockMatMul = tf.getKernel(tf.BatchMatMul, 'wasm');
  if (stockMatMul) install(batchMatMulConfig(stockMatMul));
  // The stock MaxPoolGrad drops the gradient of windows with tied maxima; ours is a fix, not a speed-up.
  install(maxPoolGradConfig);
}

/** Switches Conv2DBackpropInput between the stock wasm kernel and ours (for benchmarks). */
export function useStockConv2DBackpropInput(stock: boolean): void {
  registerWasmGradientKernels();
  const wanted = stock ? stockBackpropInput : fastBackpropInput;
  if (!wanted) throw new Error('the wasm backend has no stock Conv2DBackpropInput kernel');
  install(wanted);
}

function install(config: tf.KernelConfig): void {
  const current = tf.getKernel(config.kernelName, 'wasm');
  if (current === config) return;
  if (current) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}
