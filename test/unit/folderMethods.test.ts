// Issue 11, engine side: image folders as a source, the feature cache, batch invariance of folder
// features, nearest neighbours and max-activating patches, on the bundled digit model and small
// folders written here (so each property is checked on images whose content the test controls).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { encodePng } from '../../src/engine/image/encodePng';
import { loadInputImage } from '../../src/engine/image/loadInputImage';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { openImageFolder } from '../../src/engine/dataset/imageFolder';
import { FeatureCache } from '../../src/engine/dataset/featureCache';
import { folderFeatures, type FeatureRun } from '../../src/engine/features/folderFeatures';
import { poolFeatures } from '../../src/engine/features/pooling';
import { distance } from '../../src/engine/features/nearest';
import { neighborsMethod } from '../../src/engine/features/neighborsMethod';
import { maxActivatingPatches, receptiveBox } from '../../src/engine/features/patches';
import { featuresMethod } from '../../src/engine/features/featuresMethod';
import { defaultFeatureLayer } from '../../src/engine/features/featureLayer';
import { sampleBytes } from '../../src/engine/methods/batching';
import { useWasm } from './support/backend';
import { growHeap } from './support/heapGrowth';
import { relL2 } from './support/reference';
import { seededValues } from './support/tinyModels';

const repo = path.resolve(__dirname, '../..');
const mnist = path.join(repo, 'models/mnist-cnn/model.json');
const run: FeatureRun = { progress: () => {}, signal: new AbortController().signal };
let model: LoadedModel;

/** A folder of `perLabel` seeded noise digits (28×28 grey) under each of `labels`. */
function digitFolder(labels: string[], perLabel: number, seed = 1): string {
  const root = mkdtempSync(path.join(tmpdir(), 'convscope-folder-'));
  labels.forEach((label, li) => {
    mkdirSync(path.join(root, label));
    for (let i = 0; i < perLabel; i++) {
      const v = seededValues(seed + li * 100 + i, 28 * 28, 1);
      const data = Uint8Array.from(v, (x) => Math.round(Math.abs(x) * 255) % 256);
      writeFileSync(path.join(root, label, `d${i}.png`), encodePng({ width: 28, height: 28, channels: 1, data }));
    }
  });
  return root;
}

const tempCache = () => new FeatureCache(mkdtempSync(path.join(tmpdir(), 'convscope-cache-')));

beforeAll(async () => {
  await useWasm();
  model = await loadModel(mnist);
});

describe('image folders as a source', () => {
  it('labels come from the immediate subfolder, recursively, in path order; hidden files and other types are ignored', () => {
    const root = digitFolder(['b', 'a'], 2);
    mkdirSync(path.join(root, 'a', 'deeper'));
    copyFileSync(path.join(root, 'a', 'd0.png'), path.join(root, 'a', 'deeper', 'x.png'));
    copyFileSync(path.join(root, 'a', 'd0.png'), path.join(root, 'top.png'));
    copyFileSync(path.join(root, 'a', 'd0.png'), path.join(root, 'a', '.hidden.png'));
    writeFileSync(path.join(root, 'a', 'notes.txt'), 'not an image');
    const s = openImageFolder(root);
    expect(s.images.map((i) => [i.relative, i.label])).toEqual([
      ['a/d0.png', 'a'],
      ['a/d1.png', 'a'],
      ['a/deeper/x.png', 'a'],
      ['b/d0.png', 'b'],
      ['b/d1.png', 'b'],
      ['top.png', ''],
    ]);
  });

  it('--limit takes a seeded sample: the same seed the same images, another seed others', () => {
    const root = digitFolder(['0', '1', '2'], 10);
    const a = openImageFolder(root, { limit: 7, seed: 3 }).images.map((i) => i.relative);
    expect(a).toHaveLength(7);
    expect(openImageFolder(root, { limit: 7, seed: 3 }).images.map((i) => i.relative)).toEqual(a);
    expect(openImageFolder(root, { limit: 7, seed: 4 }).images.map((i) => i.relative)).not.toEqual(a);
    expect(openImageFolder(root, { limit: 7, seed: 3 }).total).toBe(30);
  });

  it('an empty folder, a file and a missing folder are one clear error each', () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'convscope-empty-'));
    writeFileSync(path.join(empty, 'readme.md'), '#');
    expect(() => openImageFolder(empty)).toThrow(/no image files in this folder/);
    expect(() => openImageFolder(path.join(empty, 'readme.md'))).toThrow(/not a folder/);
    expect(() => openImageFolder(path.join(empty, 'nope'))).toThrow(/folder not found/);
  });
});

describe('folder features and their cache', () => {
  it('an undecodable image is skipped with its reason; the others are computed', async () => {
    const root = digitFolder(['0', '1'], 3);
    writeFileSync(path.join(root, '1', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really'));
    const f = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg' }, new FeatureCache(undefined), run);
    expect(f.items).toHaveLength(6);
    expect(f.skipped).toHaveLength(1);
    expect(f.skipped[0]!.path).toBe(path.join(root, '1', 'broken.png'));
    expect(f.skipped[0]!.reason).toMatch(/PNG|corrupt/i);
    expect(f.dim).toBe(64);
  });

  it('a second run does no model work; a touched image alone is recomputed; vectors are the same', async () => {
    const root = digitFolder(['0', '1', '2'], 4);
    const cache = tempCache();
    const first = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg' }, cache, run);
    expect([first.computed, first.cached]).toEqual([12, 0]);
    const second = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg' }, cache, run);
    expect([second.computed, second.cached]).toEqual([0, 12]);
    second.items.forEach((item, i) => expect(Array.from(item.vector)).toEqual(Array.from(first.items[i]!.vector)));
    // A changed image (new content, new mtime) is recomputed, alone, and gets its new vector.
    const changed = path.join(root, '1', 'd2.png');
    copyFileSync(path.join(root, '2', 'd0.png'), changed);
    utimesSync(changed, new Date(), new Date(Date.now() + 5000));
    const third = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg' }, cache, run);
    expect([third.computed, third.cached]).toEqual([1, 11]);
    const vec = (f: typeof third, rel: string) => Array.from(f.items.find((i) => i.image.relative === rel)!.vector);
    expect(vec(third, '1/d2.png')).toEqual(vec(third, '2/d0.png'));
    // Another layer or pooling is another table: computed again.
    const other = await folderFeatures(model, openImageFolder(root), { layer: 'conv3', pool: 'max' }, cache, run);
    expect(other.computed).toBe(12);
  });

  it('a corrupt cache file is discarded (with a warning), not trusted', async () => {
    const root = digitFolder(['0', '1'], 3);
    const cache = tempCache();
    const first = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg' }, cache, run);
    const [file] = readdirSync(cache.dir!).filter((f) => f.endsWith('.feat'));
    const bytes = readFileSync(path.join(cache.dir!, file!));
    bytes[bytes.length - 5] ^= 0xff; // one flipped byte in a vector
    writeFileSync(path.join(cache.dir!, file!), bytes);
    const again = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg' }, cache, run);
    expect(again.warnings.join()).toMatch(/checksum mismatch; discarded/);
    expect([again.computed, again.cached]).toEqual([6, 0]);
    again.items.forEach((item, i) => expect(Array.from(item.vector)).toEqual(Array.from(first.items[i]!.vector)));
    writeFileSync(path.join(cache.dir!, file!), 'garbage');
    const third = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg' }, cache, run);
    expect(third.warnings.join()).toMatch(/not a feature table; discarded/);
    expect(third.computed).toBe(6);
  });

  it('the cache stays under its cap: the least recently used tables go first', async () => {
    const root = digitFolder(['0'], 3);
    const dir = mkdtempSync(path.join(tmpdir(), 'convscope-cap-'));
    // Each flattened conv1 table holds 3 × 12,544 floats ≈ 150 kB: a 200 kB cap keeps one.
    const cache = new FeatureCache(dir, 200_000);
    await folderFeatures(model, openImageFolder(root), { layer: 'conv1', pool: 'flatten' }, cache, run);
    await folderFeatures(model, openImageFolder(root), { layer: 'conv1', pool: 'max' }, cache, run);
    await folderFeatures(model, openImageFolder(root), { layer: 'pool1', pool: 'flatten' }, cache, run);
    const sizes = readdirSync(dir).map((f) => readFileSync(path.join(dir, f)).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(200_000);
    // The newest table survived: reading it again costs no model work.
    expect((await folderFeatures(model, openImageFolder(root), { layer: 'pool1', pool: 'flatten' }, cache, run)).computed).toBe(0);
  });

  it('vectors do not depend on the batch size, also after the wasm heap has grown', async () => {
    const root = digitFolder(['0', '1', '2', '3'], 5);
    const source = openImageFolder(root);
    const at = async (budget: number) => (await folderFeatures(model, source, { layer: 'conv3', pool: 'avg', memoryBudgetBytes: budget }, new FeatureCache(undefined), run));
    const big = await at(1 << 30);
    expect(big.largestBatch).toBeGreaterThan(4);
    const one = await at(1);
    expect(one.largestBatch).toBe(1);
    growHeap();
    const three = await at(3 * sampleBytes(model, false));
    expect(three.largestBatch).toBe(3);
    for (const other of [one, three]) other.items.forEach((item, i) => expect(relL2(item.vector, big.items[i]!.vector)).toBeLessThan(1e-5));
  });

  it('the vectors are the layer pooled as stated, checked against the activations of one image', async () => {
    const root = digitFolder(['0'], 2);
    const source = openImageFolder(root);
    const img = loadInputImage(model, source.images[1]!.path);
    const conv3 = tf.tidy(() => model.forward(img.input, { capture: ['conv3'] }).captured.get('conv3')!);
    const act = conv3.dataSync() as Float32Array; // [1, 7, 7, 64]
    const mean = Array.from({ length: 64 }, (_, c) => Array.from({ length: 49 }, (_, p) => act[p * 64 + c]!).reduce((a, b) => a + b) / 49);
    const max = Array.from({ length: 64 }, (_, c) => Math.max(...Array.from({ length: 49 }, (_, p) => act[p * 64 + c]!)));
    const none = new FeatureCache(undefined);
    const vec = async (pool: 'avg' | 'max' | 'flatten') => Array.from((await folderFeatures(model, source, { layer: 'conv3', pool }, none, run)).items[1]!.vector);
    expect(relL2(await vec('avg'), mean)).toBeLessThan(1e-5);
    expect(await vec('max')).toEqual(max.map(Math.fround));
    expect(relL2(await vec('flatten'), act)).toBeLessThan(1e-6);
    conv3.dispose();
    img.input.dispose();
  });

  it('peak pooling gives each channel its maximum and the first position where it occurs', () => {
    // [1, 2, 3, 2]: channel 0 peaks at (1, 0); channel 1 has a tie at (0, 1) and (1, 2): the first wins.
    const t = tf.tensor4d([1, 0, 2, 5, 3, 1, /* row 1 */ 7, 2, 0, 0, 4, 5], [1, 2, 3, 2]);
    const p = poolFeatures(t, 'peak');
    expect(Array.from(p.dataSync())).toEqual([7, 5, 3, 1]);
    tf.dispose([t, p]);
  });

  it('folder features leak no tensors, also when cancelled midway', async () => {
    const root = digitFolder(['0', '1'], 6);
    const before = tf.memory().numTensors;
    await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg', memoryBudgetBytes: 1 }, new FeatureCache(undefined), run);
    const abort = new AbortController();
    let batches = 0;
    const cancelling: FeatureRun = { signal: abort.signal, progress: () => (++batches === 2 ? abort.abort() : undefined) };
    await expect(folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg', memoryBudgetBytes: 1 }, new FeatureCache(undefined), cancelling)).rejects.toThrow(/cancelled/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a stop keeps what is done (and caches it)', async () => {
    const root = digitFolder(['0', '1'], 6);
    const cache = tempCache();
    const stop = new AbortController();
    const stopping: FeatureRun = { signal: new AbortController().signal, stop: stop.signal, progress: () => stop.abort() };
    const f = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg', memoryBudgetBytes: 1 }, cache, stopping);
    expect(f.stopped).toBe(true);
    expect(f.items.length).toBeGreaterThan(0);
    expect(f.items.length).toBeLessThan(12);
    const rest = await folderFeatures(model, openImageFolder(root), { layer: 'fc1', pool: 'avg' }, cache, run);
    expect([rest.cached, rest.computed]).toEqual([f.items.length, 12 - f.items.length]);
  });
});

describe('nearest neighbours', () => {
  it('cosine and euclidean distances by hand; a vector is at distance exactly 0 from itself', () => {
    expect(distance([3, 4], [0, 0], 'euclidean')).toBe(5);
    expect(distance([1, 0], [0, 1], 'cosine')).toBe(1);
    expect(distance([1, 1], [-1, -1], 'cosine')).toBe(2);
    expect(distance([1, 0], [1, 1], 'cosine')).toBeCloseTo(1 - Math.SQRT1_2, 12);
    const v = Array.from(seededValues(9, 300, 3));
    expect(distance(v, v, 'cosine')).toBe(0);
    expect(distance([0, 0], [1, 2], 'cosine')).toBe(1);
  });

  it('an image of the folder is its own nearest neighbour at distance 0, in both spaces; a copy outside is too', async () => {
    const root = digitFolder(['0', '1', '2'], 4);
    const source = openImageFolder(root);
    const query = path.join(root, '1', 'd3.png');
    const ctx = { model, source, cache: new FeatureCache(undefined), ...run };
    const options = neighborsMethod.resolve({ query, k: 3, metric: 'cosine', space: 'both', pool: 'avg' }, model, source);
    const r = await neighborsMethod.run(ctx, options);
    expect(r.neighbors![0]).toMatchObject({ path: query, distance: 0 });
    expect(r.pixelNeighbors![0]).toMatchObject({ path: query, distance: 0 });
    expect(r.neighbors!.map((n) => n.distance)).toEqual([...r.neighbors!.map((n) => n.distance)].sort((a, b) => a - b));
    const outside = path.join(mkdtempSync(path.join(tmpdir(), 'convscope-query-')), 'copy.png');
    copyFileSync(query, outside);
    const copy = await neighborsMethod.run(ctx, { ...options, query: outside, metric: 'euclidean' });
    expect(copy.neighbors![0]!.path).toBe(query);
    expect(copy.neighbors![0]!.distance).toBeLessThan(1e-5);
  });

  it('refuses --k larger than the folder and a query that cannot be read, before any model work', () => {
    const root = digitFolder(['0'], 3);
    const source = openImageFolder(root);
    expect(() => neighborsMethod.resolve({ query: path.join(root, '0', 'd0.png'), k: 4, metric: 'cosine', space: 'both', pool: 'avg' }, model, source)).toThrow(/--k 4 is larger than the folder \(3 images\)/);
    expect(() => neighborsMethod.resolve({ query: path.join(root, 'nope.png'), k: 2, metric: 'cosine', space: 'both', pool: 'avg' }, model, source)).toThrow(/nope\.png: file not found/);
  });

  it('the default feature layer is the penultimate layer, or the sidecar featureLayer', async () => {
    expect(defaultFeatureLayer(model)).toBe('fc1');
    expect(featuresMethod.resolve({ pool: 'avg' }, model, openImageFolder(digitFolder(['0'], 1))).layer).toBe('fc1');
    expect(defaultFeatureLayer({ ...model, config: { ...model.config, featureLayer: 'conv2' } })).toBe('conv2');
    expect(() => defaultFeatureLayer({ ...model, config: { ...model.config, featureLayer: 'nope' } })).toThrow(/no layer named 'nope'/);
  });
});

describe('max-activating patches', () => {
  it('receptive boxes by hand: centre start + i·stride, size wide, clipped to the input', () => {
    const field = { size: [10, 10] as [number, number], stride: [2, 2] as [number, number], start: [0.5, 0.5] as [number, number], global: false };
    // Centre 0.5 + 3·2 = 6.5: pixels 2..11.
    expect(receptiveBox(field, 3, 3, { height: 28, width: 28 })).toEqual({ x: 2, y: 2, width: 10, height: 10 });
    // Row 0: centre 0.5, pixels −4..5 → 0..5; col 13: centre 26.5, pixels 22..31 → 22..27.
    expect(receptiveBox(field, 0, 13, { height: 28, width: 28 })).toEqual({ x: 22, y: 0, width: 6, height: 6 });
    const odd = { size: [3, 5] as [number, number], stride: [1, 1] as [number, number], start: [0, 0] as [number, number], global: false };
    expect(receptiveBox(odd, 4, 4, { height: 9, width: 9 })).toEqual({ x: 2, y: 3, width: 5, height: 3 });
  });

  it('each image peak is the maximum of the channel and where it is; the top list is sorted; other channels need no model work', async () => {
    const root = digitFolder(['0', '1'], 4);
    const source = openImageFolder(root);
    const cache = tempCache();
    const r = await maxActivatingPatches(model, source, { layer: 'conv2', channel: 5, top: 3 }, cache, run);
    expect(r.patches).toHaveLength(3);
    expect(r.patches.map((p) => p.value)).toEqual([...r.images.map((p) => p.value)].sort((a, b) => b - a).slice(0, 3));
    for (const peak of r.images.slice(0, 3)) {
      const img = loadInputImage(model, peak.path);
      const a = tf.tidy(() => model.forward(img.input, { capture: ['conv2'] }).captured.get('conv2')!);
      const data = a.dataSync(); // [1, 14, 14, 32]
      const channel = Array.from({ length: 196 }, (_, p) => data[p * 32 + 5]!);
      const best = Math.max(...channel);
      expect(peak.value).toBeCloseTo(best, 5);
      expect(channel[peak.row * 14 + peak.col]).toBe(best);
      expect(channel.indexOf(best)).toBe(peak.row * 14 + peak.col);
      tf.dispose([a, img.input]);
    }
    expect(r.patches[0]!.box).toEqual(receptiveBox(r.receptiveField, r.patches[0]!.row, r.patches[0]!.col, model.inputShape));
    const again = await maxActivatingPatches(model, source, { layer: 'conv2', channel: 9, top: 3 }, cache, run);
    expect(again.computed).toBe(0);
  });

  it('refuses a layer without spatial extent and a channel out of range', async () => {
    const source = openImageFolder(digitFolder(['0'], 2));
    const none = new FeatureCache(undefined);
    await expect(maxActivatingPatches(model, source, { layer: 'fc1', channel: 0, top: 3 }, none, run)).rejects.toThrow(/'fc1' has no spatial output/);
    await expect(maxActivatingPatches(model, source, { layer: 'conv2', channel: 32, top: 3 }, none, run)).rejects.toThrow(/channels 0\.\.31/);
  });
});
