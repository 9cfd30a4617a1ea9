// UnsortedSegmentSum for wasm (missing there; gradients of gather use it), as the backend's
// ScatterNd, which adds up updates that land on the same index.
import * as tf from '../tf';
import { inScope } from './kernelScope';

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: (args) => {
    const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = args.attrs as unknown as tf.UnsortedSegmentSumAttrs;
    const count = tf.util.sizeFromShape(segmentIds.shape);
    const rest = x.shape.slice(segmentIds.shape.length);
    return inScope(args.backend, (s) => {
      const updates = s.reshape(x, [count, ...rest]);
      // The wasm ScatterNd does not check bounds. Ids outside [0, numSegments) are dropped, as
      // on the cpu backend: they go to one extra segment that is cut off afterwards.
      const ids = s.read(segmentIds) as Int32Array;
      const valid = ids.every((id) => id >= 0 && id < numSegments);
      const indices = valid
        ? s.reshape(segmentIds, [count, 1])
        : s.constant([count, 1], 'int32', Int32Array.from(ids, (id) => (id >= 0 && id < numSegments ? id : numSegments)));
      const rows = valid ? numSegments : numSegments + 1;
      const summed = s.run('ScatterNd', { indices, updates }, { shape: [rows, ...rest] });
      if (valid) return summed;
      return s.window(summed, summed.shape.map(() => 0), [numSegments, ...rest]);
    });
  },
};
