// The labelled image folders the folder methods (features, neighbors, embed, patches) are shown and
// tested on, written by `npm run models` (never committed; a few seconds to make):
// - samples/digit-folder/<label>/mnist-<label>-<index>.png: the 1,500 digits of the mnist-cnn test
//   split (scripts/trainMnist.ts: stratified, seed 1998), none of which the bundled model trained on.
// - samples/photo-folder/<photo>/*.png: each bundled photo (samples/photos) and variants of it —
//   mirrored, three seeded crops, one crop mirrored — so a photo's variants are its label's members.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeImageFile } from '../../src/engine/image/decodeImage';
import { encodePng } from '../../src/engine/image/encodePng';
import type { RawImage } from '../../src/engine/image/rawImage';
import { resizeBilinear } from '../../src/engine/image/resize';
import { SIDE, loadMnistByLabel, stratifiedSplit } from './mnistData';
import { writeGreyPng } from './png';
import { Prng } from './prng';

/** Must match scripts/trainMnist.ts: the digits it held out. */
const MNIST_SPLIT_SEED = 1998;
const MNIST_TEST_TOTAL = 1500;
const VERSION = 1;

export function writeDigitFolder(repoRoot: string, log: (line: string) => void): void {
  const out = path.join(repoRoot, 'samples', 'digit-folder');
  if (upToDate(out, MNIST_TEST_TOTAL)) return log(`digit-folder: up to date (${MNIST_TEST_TOTAL} digits)`);
  const { test } = stratifiedSplit(loadMnistByLabel(), MNIST_TEST_TOTAL, MNIST_SPLIT_SEED);
  replaceFolder(out, (tmp) => {
    for (const d of test) {
      const dir = path.join(tmp, String(d.label));
      mkdirSync(dir, { recursive: true });
      writeGreyPng(path.join(dir, `mnist-${d.label}-${String(d.index).padStart(4, '0')}.png`), d.pixels, SIDE, SIDE);
    }
    return test.length;
  });
  log(`digit-folder: wrote ${test.length} held-out test digits in 10 label folders`);
}

export function writePhotoFolder(repoRoot: string, log: (line: string) => void): void {
  const photos = path.join(repoRoot, 'samples', 'photos');
  const files = readdirSync(photos).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
  const out = path.join(repoRoot, 'samples', 'photo-folder');
  const perPhoto = 6;
  if (upToDate(out, files.length * perPhoto)) return log(`photo-folder: up to date (${files.length * perPhoto} images)`);
  replaceFolder(out, (tmp) => {
    const rng = new Prng(11);
    for (const file of files) {
      const name = path.basename(file, path.extname(file));
      const dir = path.join(tmp, name);
      mkdirSync(dir, { recursive: true });
      const img = fit(decodeImageFile(path.join(photos, file)), 320);
      const crops = [0, 1, 2].map(() => randomCrop(img, rng));
      const variants: Array<[string, RawImage]> = [['original', img], ['mirrored', mirror(img)], ...crops.map((c, i): [string, RawImage] => [`crop${i + 1}`, c]), ['crop1-mirrored', mirror(crops[0]!)]];
      for (const [variant, picture] of variants) writeFileSync(path.join(dir, `${name}-${variant}.png`), encodePng(picture));
    }
    return files.length * perPhoto;
  });
  log(`photo-folder: wrote ${files.length} photos × ${perPhoto} variants`);
}

function upToDate(dir: string, count: number): boolean {
  try {
    const stamp = JSON.parse(readFileSync(path.join(dir, '.prepared.json'), 'utf8')) as { version: number; count: number };
    return stamp.version === VERSION && stamp.count === count;
  } catch {
    return false;
  }
}

/** Writes into a temporary folder, then swaps it in: an interrupted run leaves no half folder. */
function replaceFolder(dir: string, fill: (tmp: string) => number): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const count = fill(tmp);
  writeFileSync(path.join(tmp, '.prepared.json'), JSON.stringify({ version: VERSION, count }) + '\n');
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/** Scales so the longer side is `side` pixels (photos stay quick to decode). */
function fit(img: RawImage, side: number): RawImage {
  const s = side / Math.max(img.width, img.height);
  return s >= 1 ? img : resizeBilinear(img, Math.round(img.width * s), Math.round(img.height * s));
}

function mirror(img: RawImage): RawImage {
  const { width, height, channels } = img;
  const data = new Uint8Array(img.data.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = img.data[(y * width + (width - 1 - x)) * channels + c]!;
  return { width, height, channels, data };
}

/** A square crop of 50–80 % of the shorter side at a seeded position. */
function randomCrop(img: RawImage, rng: Prng): RawImage {
  const side = Math.round(Math.min(img.width, img.height) * (0.5 + 0.3 * rng.next()));
  const x0 = rng.int(0, img.width - side);
  const y0 = rng.int(0, img.height - side);
  const { channels } = img;
  const data = new Uint8Array(side * side * channels);
  for (let y = 0; y < side; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * channels, ((y0 + y) * img.width + x0 + side) * channels), y * side * channels);
  return { width: side, height: side, channels, data };
}
