// The one place that assembles TensorFlow.js for the engine. The umbrella package's Node bundle
// is what registers every gradient and the chained ops (`x.sum()`) on tfjs-core: the core's own
// Node bundle has neither, and its ESM side-effect files cannot be required from Node.
// cpu and wasm always install; native backends are loaded on demand by backend.ts.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

export * from '@tensorflow/tfjs-core';
