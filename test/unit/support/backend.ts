import * as tf from '../../../src/engine/tf';
import { initBackend } from '../../../src/engine/backend';

/** Tests run on the backend users get here: wasm with our gradient kernels. */
export async function useWasm(): Promise<void> {
  await initBackend('wasm');
  await tf.setBackend('wasm');
}
