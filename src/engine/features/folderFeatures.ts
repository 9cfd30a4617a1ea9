import * as tf from '../tf';
import { isUserError, UserError } from '../errors';
import { decodeImageFile } from '../image/decodeImage';
import { imageToInput } from '../image/prepareInput';
import { batchSizeFor, defaultMemoryBudgetBytes, runBatches } from '../methods/batching';
import type { ProgressFn } from '../methods/types';
import type { LoadedModel } from '../model/loadedModel';
import { modelSha256 } from '../model/modelHash';
import type { FeatureCache, FeatureKey } from '../dataset/featureCache';
import type { FolderImage, ImageSource, SkippedFile } from '../dataset/imageFolder';
import { poolFeatures, type Pooling } from './pooling';

/** The model input itself (resized and preprocessed), for pixel-space comparisons: no model work. */
export const pixelSpace = '(pixels)';

export interface FeatureOptions {
  /** A layer name, or `pixelSpace`. */
  layer: string;
  pool: Pooling;
  memoryBudgetBytes?: number;
  /** How long one batch may take (default batching.ts's batchTargetMs, for prompt cancels); tests raise it to force big batches on big networks. */
  batchTargetMs?: number;
}

export interface FeatureItem {
  image: FolderImage;
  vector: Float32Array;
}

export interface FolderFeatures {
  layer: string;
  pool: Pooling;
  dim: number;
  /** In the source's order; images that could not be read are in `skipped` instead. */
  items: FeatureItem[];
  skipped: SkippedFile[];
  /** Images that went through the model in this run, and images whose vectors came from the cache. */
  computed: number;
  cached: number;
  largestBatch: number;
  /** Stopped early: `items` holds what was done (cached vectors and the batches that ran). */
  stopped: boolean;
  warnings: string[];
}

export interface FeatureRun {
  progress: ProgressFn;
  signal: AbortSignal;
  stop?: AbortSignal;
}

/**
 * One vector per image of the source at a layer, pooled over space. Vectors of unchanged images
 * come from the cache; the others go through the model in batches bounded by the memory budget
 * (and by time, so a cancel is prompt), are stored, and the table is saved even when the run is
 * stopped or cancelled. Unreadable images are skipped with their reason, never abort the run.
 */
export async function folderFeatures(model: LoadedModel, source: ImageSource, requested: FeatureOptions, cache: FeatureCache, run: FeatureRun): Promise<FolderFeatures> {
  // Pixels are compared as they are: one value per pixel and channel, never pooled.
  const options: FeatureOptions = requested.layer === pixelSpace ? { ...requested, pool: 'flatten' } : requested;
  const key = featureKey(model, options);
  const table = cache.open(key);
  const warnings = table.discarded ? [table.discarded] : [];
  const skipped: SkippedFile[] = [...source.skipped];
  const unreadable = new Set<string>();
  const todo = source.images.filter((img) => !table.lookup(img));
  const cached = source.images.length - todo.length;
  // Pixel vectors need no model, but their decoded inputs still take memory: the same bound
  // (a sample's layer outputs over-count them, which only makes pixel batches smaller).
  const maxBatch = batchSizeFor(model, Math.max(todo.length, 1), options.memoryBudgetBytes ?? defaultMemoryBudgetBytes, false);
  let computed = 0;
  let batches = { largestBatch: 0, done: 0, stopped: false };
  try {
    if (todo.length > 0) {
      batches = await runBatches(
        todo.length,
        maxBatch,
        run.signal,
        run.progress,
        'images',
        (start, count) => {
          const batch = todo.slice(start, start + count);
          const readable: FolderImage[] = [];
          const inputs: tf.Tensor4D[] = [];
          try {
            for (const img of batch) {
              try {
                inputs.push(imageToInput(decodeImageFile(img.path), model.inputShape, model.config.preprocessing));
                readable.push(img);
              } catch (e) {
                if (!isUserError(e)) throw e;
                unreadable.add(img.path);
                skipped.push({ path: img.path, reason: e.message.startsWith(img.path) ? e.message.slice(img.path.length).replace(/^:\s*/, '') : e.message });
              }
            }
            if (readable.length === 0) return;
            const vectors = batchVectors(model, inputs, options);
            readable.forEach((img, i) => table.put(img, vectors[i]!));
            computed += readable.length;
          } finally {
            for (const t of inputs) t.dispose();
          }
        },
        run.stop,
        options.batchTargetMs,
      );
    }
  } finally {
    table.save();
  }
  const items = source.images.flatMap((image) => {
    const vector = unreadable.has(image.path) ? undefined : table.lookup(image);
    return vector ? [{ image, vector }] : [];
  });
  if (items.length === 0 && unreadable.size === source.images.length) {
    const first = skipped.find((s) => unreadable.has(s.path))!;
    throw new UserError(`${source.root}: none of its ${source.images.length} image${source.images.length === 1 ? '' : 's'} could be read (${first.path}: ${first.reason})`);
  }
  return { layer: options.layer, pool: options.pool, dim: items[0]?.vector.length ?? 0, items, skipped, computed, cached, largestBatch: batches.largestBatch, stopped: batches.stopped, warnings };
}

/** The cache key: a change to the model's bytes, the layer, the pooling or the preprocessing gives other vectors. */
export function featureKey(model: LoadedModel, options: FeatureOptions): FeatureKey {
  return {
    modelSha256: options.layer === pixelSpace ? '' : modelSha256(model),
    layer: options.layer,
    pool: options.pool,
    input: JSON.stringify({ shape: model.inputShape, preprocessing: model.config.preprocessing }),
  };
}

/** One pooled vector per input, in order; a single tf.tidy, so nothing outlives the batch. */
function batchVectors(model: LoadedModel, inputs: tf.Tensor4D[], options: FeatureOptions): Float32Array[] {
  const pooled = tf.tidy(() => {
    const x = inputs.length === 1 ? inputs[0]! : tf.concat(inputs, 0);
    const features = options.layer === pixelSpace ? x : model.forward(x, { capture: [options.layer], stopAtCaptured: true }).captured.get(options.layer)!;
    return poolFeatures(features, options.pool);
  });
  try {
    const [n, dim] = pooled.shape;
    const data = pooled.dataSync() as Float32Array;
    return Array.from({ length: n }, (_, i) => data.slice(i * dim, (i + 1) * dim));
  } finally {
    pooled.dispose();
  }
}
