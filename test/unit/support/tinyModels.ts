import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../../../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../../src/engine/model/loadModel';
import type { LoadedModel } from '../../../src/engine/model/loadedModel';

/** Saves a tfjs-layers model as model.json + one shard in a fresh temp folder; returns the model.json path. */
export async function saveToTempDir(model: tfl.LayersModel, prefix = 'convscope-model-'): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightsManifest = [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs! }];
      writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'convscope tests', convertedBy: null, modelTopology: artifacts.modelTopology, weightsManifest }));
      writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return path.join(dir, 'model.json');
}

/** Deterministic pseudo-random numbers for weights (mulberry32), uniform in [-scale, scale]. */
export function seededValues(seed: number, count: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Gives every weight of a model seeded values, scaled by 1/sqrt(fan-in) so activations stay O(1). */
export function seedWeights(model: tfl.LayersModel, seed: number): void {
  model.layers.forEach((layer, i) => {
    const ws = layer.getWeights();
    if (ws.length === 0) return;
    tf.tidy(() =>
      layer.setWeights(ws.map((w, j) => {
        const fanIn = w.rank > 1 ? w.size / w.shape[w.rank - 1]! : 1;
        return tf.tensor(seededValues(seed + 31 * i + j, w.size, (j === 0 ? 1.7 : 0.2) / Math.sqrt(fanIn)), w.shape);
      })),
    );
    // getWeights() returns the variables themselves: not ours to dispose.
  });
}

/**
 * The small seeded ReLU CNN several method tests share (12×12×3 → conv-ReLU, max-pool,
 * conv-ReLU, GAP, dense to 3 classes) and a seeded input in [0, 1].
 */
export async function smallReluCnn(): Promise<{ model: LoadedModel; input: tf.Tensor4D }> {
  const net = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [12, 12, 3], filters: 6, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c1' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', name: 'c2' }),
      tfl.layers.globalAveragePooling2d({ name: 'gap' }),
      tfl.layers.dense({ units: 3, name: 'logits' }),
    ],
  });
  seedWeights(net, 11);
  const model = await loadModel(await saveToTempDir(net));
  net.dispose();
  const input = tf.tensor4d(seededValues(5, 12 * 12 * 3, 1).map((v) => (v + 1) / 2), [1, 12, 12, 3]);
  return { model, input };
}
