// The content images a style network trains on: a folder of photos, and seeded random crops of
// them (the augmentation that stands in for Johnson et al.'s 80k COCO images when only a few
// photos are at hand).
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '../../tf';
import { UserError } from '../../errors';
import { toRgb } from '../../image/channels';
import { decodeImageFile } from '../../image/decodeImage';
import type { RawImage } from '../../image/rawImage';
import { resizeBilinearFloat } from '../../image/resize';
import { seededUniform } from '../../methods/seededNoise';

const imageExtensions = /\.(png|jpe?g|bmp)$/i;

export interface ContentImages {
  /** Decoded RGB photos with their files (sorted by path: the order seeds refer to). */
  images: { file: string; image: RawImage }[];
  /** Files with an image extension that could not be decoded, and why. */
  skipped: { file: string; reason: string }[];
}

/** Every PNG / JPEG / BMP under `dir` (recursively); undecodable files are skipped and listed. */
export function readContentImages(dir: string): ContentImages {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new UserError(`--content-dir ${dir}: folder not found`);
  }
  if (!stat.isDirectory()) throw new UserError(`--content-dir ${dir}: not a folder`);
  const files = (readdirSync(dir, { recursive: true }) as string[]).map((f) => path.join(dir, f)).filter((f) => imageExtensions.test(f) && statSync(f).isFile()).sort();
  const images: ContentImages['images'] = [];
  const skipped: ContentImages['skipped'] = [];
  for (const file of files) {
    try {
      images.push({ file, image: toRgb(decodeImageFile(file)) });
    } catch (e) {
      skipped.push({ file, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  if (images.length === 0) throw new UserError(`--content-dir ${dir}: no readable image (PNG, JPEG or BMP)${skipped.length ? `; ${skipped.length} could not be decoded, e.g. ${skipped[0]!.reason}` : ''}`);
  return { images, skipped };
}

/** What one training sample does to its photo; said in the style network's record. */
export const augmentation = 'random square crop of 60–100 % of the shorter side, resized to the training size, mirrored with probability ½';

/**
 * A batch [batch, size, size, 3] of display images for training step `step`: each a random photo,
 * cropped, resized and mirrored as `augmentation` says. The randomness depends only on (seed,
 * step), so a resumed run draws exactly the batches the uninterrupted one would have.
 */
export function trainingBatch(images: readonly RawImage[], size: number, batch: number, seed: number, step: number): tf.Tensor4D {
  const uniform = seededUniform((seed * 1_000_003 + step * 7919) >>> 0);
  const data = new Float32Array(batch * size * size * 3);
  for (let b = 0; b < batch; b++) {
    const image = images[Math.floor(uniform() * images.length)]!;
    const side = Math.max(1, Math.round(Math.min(image.width, image.height) * (0.6 + 0.4 * uniform())));
    const x0 = Math.floor(uniform() * (image.width - side + 1));
    const y0 = Math.floor(uniform() * (image.height - side + 1));
    const mirror = uniform() < 0.5;
    const crop = new Float32Array(side * side * 3);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const from = ((y0 + y) * image.width + x0 + (mirror ? side - 1 - x : x)) * 3;
        const to = (y * side + x) * 3;
        crop[to] = image.data[from]!;
        crop[to + 1] = image.data[from + 1]!;
        crop[to + 2] = image.data[from + 2]!;
      }
    }
    const resized = resizeBilinearFloat(crop, side, side, 3, size, size);
    const offset = b * size * size * 3;
    for (let i = 0; i < resized.length; i++) data[offset + i] = resized[i]! / 255;
  }
  return tf.tensor4d(data, [batch, size, size, 3]);
}
