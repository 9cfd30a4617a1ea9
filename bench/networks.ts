// Benchmark networks: VGG-shaped tfjs-layers models with seeded He weights, saved as
// model.json + one .bin in a temp folder so the bench loads them through the engine's loadModel.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';

export interface VggSpec {
  name: string;
  /** Square input size in pixels (3 channels). */
  input: number;
  /** Conv widths per block; every block is 3×3 'same' ReLU convs followed by a 2×2 max-pool. */
  blocks: number[][];
  /** Hidden fully-connected widths (ReLU). */
  fc: number[];
  classes: number;
}

/** VGG-16 (configuration D): 13 convs, 5 pools, fc 25088-4096-4096-1000. */
export const vgg16Spec: VggSpec = {
  name: 'VGG-16 224²',
  input: 224,
  blocks: [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]],
  fc: [4096, 4096],
  classes: 1000,
};

/** A small VGG-ish net: 6 convs in 3 blocks, fc 256, 10 classes. */
export function vggishSpec(input: number): VggSpec {
  return { name: `VGG-ish ${input}²`, input, blocks: [[32, 32], [64, 64], [128, 128]], fc: [256], classes: 10 };
}

export function convLayerCount(spec: VggSpec): number {
  return spec.blocks.reduce((n, b) => n + b.length, 0);
}

export function paramCount(spec: VggSpec): number {
  let c = 3;
  let n = 0;
  for (const block of spec.blocks) {
    for (const w of block) {
      n += 9 * c * w + w;
      c = w;
    }
  }
  const side = spec.input / 2 ** spec.blocks.length;
  let f = side * side * c;
  for (const w of [...spec.fc, spec.classes]) {
    n += f * w + w;
    f = w;
  }
  return n;
}

/** Builds the model on the current backend with zero weights (cheap), then seeds them. */
export function buildVgg(spec: VggSpec, seed: number): tfl.Sequential {
  const model = tfl.sequential();
  const init = { kernelInitializer: 'zeros' as const, biasInitializer: 'zeros' as const };
  spec.blocks.forEach((block, b) => {
    block.forEach((filters, i) => {
      model.add(tfl.layers.conv2d({
        name: `conv${b + 1}_${i + 1}`,
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        ...(b === 0 && i === 0 ? { inputShape: [spec.input, spec.input, 3] } : {}),
        ...init,
      }));
    });
    model.add(tfl.layers.maxPooling2d({ name: `pool${b + 1}`, poolSize: 2, strides: 2 }));
  });
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  spec.fc.forEach((units, i) => model.add(tfl.layers.dense({ name: `fc${i + 1}`, units, activation: 'relu', ...init })));
  model.add(tfl.layers.dense({ name: 'logits', units: spec.classes, ...init }));
  seedHe(model, seed);
  return model;
}

/** He-normal kernels (std √(2 / fan-in)) from a seeded generator, biases 0. */
function seedHe(model: tfl.LayersModel, seed: number): void {
  model.layers.forEach((layer, i) => {
    const ws = layer.getWeights();
    if (ws.length === 0) return;
    const values = ws.map((w, j) => {
      if (w.rank <= 1) return tf.zeros(w.shape);
      const fanIn = w.size / w.shape[w.rank - 1]!;
      return tf.tensor(seededNormal(seed * 1000 + i * 10 + j, w.size, Math.sqrt(2 / fanIn)), w.shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  });
}

/** mulberry32 + Box-Muller: deterministic N(0, std²) samples. */
export function seededNormal(seed: number, count: number, std: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = 1 - next();
    const u2 = next();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** Uniform [0, 1) values, for a seeded input image. */
export function seededUniform(seed: number, count: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = next();
  return out;
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Saves as model.json + group1-shard1of1.bin in a fresh temp folder; returns the model.json path. */
export async function saveToTempDir(model: tfl.LayersModel, prefix: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightsManifest = [{ paths: ['group1-shard1of1.bin'], weights: artifacts.weightSpecs! }];
      writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'convscope bench', convertedBy: null, modelTopology: artifacts.modelTopology, weightsManifest }));
      const data = artifacts.weightData as ArrayBuffer;
      writeFileSync(path.join(dir, 'group1-shard1of1.bin'), new Uint8Array(data));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return path.join(dir, 'model.json');
}

/**
 * Builds on the cpu backend (weights stay in JS memory, not in the wasm heap, which never
 * shrinks), saves, disposes, and switches back to the backend that was active.
 */
export async function writeVgg(spec: VggSpec, seed: number): Promise<{ file: string; cleanup: () => void }> {
  const before = tf.getBackend();
  await tf.setBackend('cpu');
  const model = buildVgg(spec, seed);
  try {
    const file = await saveToTempDir(model, 'convscope-bench-');
    return { file, cleanup: () => rmSync(path.dirname(file), { recursive: true, force: true }) };
  } finally {
    model.dispose();
    await tf.setBackend(before);
  }
}
