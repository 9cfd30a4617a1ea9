// Backend objects used directly, without tensors or switching the engine's backend: the
// self-check and the cpu bridge run single kernels on them.
import * as tf from '../tf';

export interface RawBackend {
  write(values: tf.BackendValues, shape: number[], dtype: tf.DataType): tf.DataId;
  readSync(dataId: tf.DataId): tf.BackendValues;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  makeOutput?(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.BackendValues): tf.TensorInfo;
}

/**
 * The backend object by name. The cpu backend prints a "you are running TensorFlow.js in Node.js,
 * install tfjs-node" banner on its first write; when we use it only as a reference (self-check,
 * cpu bridge) that banner would land on the CLI's stderr for nothing, so it is marked as used.
 */
export function rawBackend(backendName: 'wasm' | 'cpu'): RawBackend {
  const backend = tf.findBackend(backendName) as unknown as (RawBackend & { firstUse?: boolean }) | null;
  if (!backend) throw new Error(`backend '${backendName}' is not available`);
  if (backendName === 'cpu') backend.firstUse = false;
  return backend;
}
