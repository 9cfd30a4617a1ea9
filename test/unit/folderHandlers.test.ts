// The folder requests as the engine service runs them (folderHandlers.ts): the plan counts the
// folder's images, each method answers with its part of the union, patches carry crops and their
// box in the source image's pixels, a stop keeps what is done, bad input is named, nothing leaks.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { ModelCache } from '../../src/engine/service/modelCache';
import { createFolderHandlers } from '../../src/engine/service/folderHandlers';
import type { JobContext } from '../../src/engine/service/jobContext';
import type { EmbedRunResult, FeaturesRunResult, NeighborsRunResult, PatchesRunResult } from '../../src/shared/engineProtocol';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
const mnistFile = path.join(root, 'models/mnist-cnn/model.json');
let model: LoadedModel;
let handlers: ReturnType<typeof createFolderHandlers>;
let folder: string;
const ctx = (over: Partial<JobContext> = {}): JobContext => ({ signal: new AbortController().signal, progress: () => {}, ...over });

beforeAll(async () => {
  await useWasm();
  model = await loadModel(mnistFile);
  handlers = createFolderHandlers(new ModelCache({ load: async () => model }));
  folder = mkdtempSync(path.join(tmpdir(), 'convscope-folder-handlers-'));
  for (const label of ['1', '3', '5']) {
    mkdirSync(path.join(folder, label));
    const src = path.join(root, 'samples/digit-folder', label);
    for (const f of readdirSync(src).sort().slice(0, 4)) copyFileSync(path.join(src, f), path.join(folder, label, f));
  }
});

describe('folder requests', () => {
  it('plan: the cost and the number of images (a --limit sample of the total)', async () => {
    const plan = await handlers.folderPlan({ method: 'embed', model: mnistFile, images: folder, limit: 5 });
    expect(plan).toMatchObject({ images: 5, total: 12, forwardPasses: 5 });
  });

  it('features, neighbours and a map, each with its fields; a second run comes from the cache', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'convscope-folder-cache-'));
    const f = (await handlers.folderRun({ method: 'features', model: mnistFile, images: folder, cacheDir }, ctx())) as FeaturesRunResult;
    expect(f).toMatchObject({ method: 'features', layer: 'fc1', dim: 64, used: 12, computed: 12, cached: 0, stopped: false });
    expect(f.items[0]).toMatchObject({ path: path.join(folder, '1', readdirSync(path.join(folder, '1')).sort()[0]!), label: '1' });
    const query = f.items[7]!.path;
    const n = (await handlers.folderRun({ method: 'neighbors', model: mnistFile, images: folder, cacheDir, options: { query, k: 3 } }, ctx())) as NeighborsRunResult;
    expect(n).toMatchObject({ method: 'neighbors', computed: 0, cached: 12 });
    expect(n.neighbors![0]).toEqual({ path: query, label: f.items[7]!.label, distance: 0 });
    expect(n.pixelNeighbors).toHaveLength(3);
    const e = (await handlers.folderRun({ method: 'embed', model: mnistFile, images: folder, cacheDir, options: { method: 'tsne', perplexity: 3, iterations: 250 } }, ctx())) as EmbedRunResult;
    expect(e).toMatchObject({ method: 'embed', embedding: 'tsne', computed: 0 });
    expect(e.points).toHaveLength(12);
    expect(e.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true);
  });

  it('a small folder gets a smaller perplexity / neighbourhood with a warning, not an error', async () => {
    const t = (await handlers.folderRun({ method: 'embed', model: mnistFile, images: folder, options: { method: 'tsne', iterations: 250 } }, ctx())) as EmbedRunResult;
    expect(t.points).toHaveLength(12);
    expect(t.warnings).toEqual(['perplexity lowered from 30 to 3 for 12 images (t-SNE reads 3 × perplexity neighbours of each image)']);
    const u = (await handlers.folderRun({ method: 'embed', model: mnistFile, images: folder, options: { method: 'umap', neighbors: 40 } }, ctx())) as EmbedRunResult;
    expect(u.warnings).toEqual(['neighbours lowered from 40 to 11 for 12 images']);
  });

  it('patches: crops and guided maps as PNGs of the box size, the box also in source pixels', async () => {
    const before = tf.memory().numTensors;
    const r = (await handlers.folderRun({ method: 'patches', model: mnistFile, images: folder, options: { layer: 'conv3', channel: 7, top: 4 } }, ctx())) as PatchesRunResult;
    expect(r.patches).toHaveLength(4);
    for (const p of r.patches) {
      const crop = PNG.sync.read(Buffer.from(p.cropPng, 'base64'));
      expect([crop.width, crop.height]).toEqual([p.box.width, p.box.height]);
      // The digits are 28×28 like the model input: the two boxes coincide.
      expect(p.imageBox).toEqual(p.box);
    }
    expect(PNG.sync.read(Buffer.from(r.gridPng, 'base64')).width).toBeGreaterThan(100);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a stop answers with what was done; bad options are named', async () => {
    const stop = new AbortController();
    const r = (await handlers.folderRun({ method: 'features', model: mnistFile, images: folder, options: { layer: 'conv1', pool: 'flatten' } }, ctx({ stopSignal: stop.signal, progress: () => stop.abort() }))) as FeaturesRunResult;
    expect(r.stopped).toBe(true);
    expect(r.items.length).toBeLessThan(12);
    await expect(handlers.folderRun({ method: 'embed', model: mnistFile, images: folder, options: { method: 'mds' } }, ctx())).rejects.toThrow(/method must be one of pca, tsne, umap/);
    await expect(handlers.folderRun({ method: 'patches', model: mnistFile, images: folder, options: { layer: 'logits', channel: 0 } }, ctx())).rejects.toThrow(/no spatial output/);
  });
});
