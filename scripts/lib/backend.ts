// Backend start for the preparation scripts: the engine's initBackend('wasm'), which also registers
// the project's wasm gradient kernels (src/engine/kernels), needed for training and input gradients
// (tfjs-layers' fused Conv2D computes the filter gradient even when only d/dinput is asked for).
import * as tf from '../../src/engine/tf';
import { initBackend } from '../../src/engine/backend';

export async function startWasm(): Promise<string> {
  const info = await initBackend('wasm');
  if (info.name !== 'wasm') throw new Error(`wanted the wasm backend, got ${info.name} (${info.skipped.join('; ')})`);
  return `${tf.getBackend()} (tfjs ${info.tfjsVersion}, project gradient kernels registered)`;
}
