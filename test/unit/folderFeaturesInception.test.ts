// Folder features at a realistic size: the bundled InceptionV3 (299², batch norm, concatenations)
// on photos of samples/photo-folder, pooled at mixed5 (the sidecar's feature layer), in one batch
// and one image at a time, on a fresh engine and after the wasm heap has grown: the same vectors.
import * as path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { FeatureCache } from '../../src/engine/dataset/featureCache';
import { openImageFolder } from '../../src/engine/dataset/imageFolder';
import { folderFeatures, type FeatureRun } from '../../src/engine/features/folderFeatures';
import { defaultFeatureLayer } from '../../src/engine/features/featureLayer';
import { sampleBytes } from '../../src/engine/methods/batching';
import { useWasm } from './support/backend';
import { growHeap, heapBytes } from './support/heapGrowth';
import { relL2 } from './support/reference';

const root = path.resolve(__dirname, '../..');
const run: FeatureRun = { progress: () => {}, signal: new AbortController().signal };
let model: LoadedModel;

beforeAll(async () => {
  await useWasm();
  model = await loadModel(path.join(root, 'models/inceptionv3/model.json'));
});

it('InceptionV3 mixed5 vectors of 5 photos: batches of 1 + 4 = one at a time, also after the heap grew', async () => {
  const layer = defaultFeatureLayer(model);
  expect(layer).toBe('mixed5');
  const source = openImageFolder(path.join(root, 'samples/photo-folder'), { limit: 5, seed: 2 });
  // A long batch time target, so that the memory budget alone sets the batch size.
  const features = (budget: number) => folderFeatures(model, source, { layer, pool: 'avg', memoryBudgetBytes: budget, batchTargetMs: 60_000 }, new FeatureCache(undefined), run);
  const one = await features(1);
  expect(one.largestBatch).toBe(1);
  const before = heapBytes();
  growHeap();
  expect(heapBytes()).toBeGreaterThan(before);
  const all = await features(4 * sampleBytes(model, false));
  // The first batch measures the cost with one image; the rest fit the budget of four.
  expect(all.largestBatch).toBe(4);
  expect(all.items).toHaveLength(5);
  all.items.forEach((item, i) => {
    expect(item.vector).toHaveLength(768);
    expect(relL2(item.vector, one.items[i]!.vector)).toBeLessThan(1e-5);
  });
  // Different photos give clearly different vectors (the check above is not comparing constants).
  expect(relL2(all.items[0]!.vector, all.items[4]!.vector)).toBeGreaterThan(0.05);
}, 120_000);
