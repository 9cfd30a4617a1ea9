// The one place that assembles TensorFlow.js for the engine: core with chained ops (tfjs-layers
// and user code may call `x.sum()`), and the two backends that always install (cpu, wasm).
// Native backends are loaded on demand by backend.ts because they may be absent.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export * from '@tensorflow/tfjs-core';
