// The engine's fast style requests as the service runs them (styleNetworkHandlers.ts): a tiny style
// network trained through the tests' small CNN (losses per step as previews, a checkpoint's look as
// a preview image, stop after a step keeps a checkpoint, resume continues it), applied to a photo
// (a PNG of the asked size), bad input named in the error, and no tensor left behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '../../src/engine/tf';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { ModelCache } from '../../src/engine/service/modelCache';
import { createStyleNetworkHandlers } from '../../src/engine/service/styleNetworkHandlers';
import type { JobContext } from '../../src/engine/service/jobContext';
import type { PreviewParams, StyleTrainParams } from '../../src/shared/engineProtocol';
import { smallReluCnn } from './support/tinyModels';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
const photos = path.join(root, 'samples/photos');
const photo = path.join(photos, 'chelsea.png');
const scream = path.join(root, 'samples/styles/scream.jpg');
const featureFile = '/feature/small-cnn/model.json';

let featureNet: LoadedModel;
let handlers: ReturnType<typeof createStyleNetworkHandlers>;
beforeAll(async () => {
  await useWasm();
  const small = await smallReluCnn();
  small.input.dispose();
  featureNet = small.model;
  // The cache hands out the in-memory feature network for its (made-up) path.
  handlers = createStyleNetworkHandlers(new ModelCache({ load: async () => featureNet }));
});
afterAll(() => {
  featureNet.dispose();
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

function context(over: Partial<JobContext> & { previews?: Omit<PreviewParams, 'jobId'>[] } = {}): JobContext {
  const previews = over.previews;
  return { signal: new AbortController().signal, progress: () => {}, preview: previews ? (make) => previews.push(make()) : undefined, ...over };
}

const madeDirs: string[] = [];
const outDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'convscope-style-handler-'));
  madeDirs.push(dir);
  return path.join(dir, 'net');
};
const train = (over: Partial<StyleTrainParams>): StyleTrainParams => ({ featureModel: featureFile, style: scream, contentDir: photos, outModel: outDir(), steps: 4, size: 32, batch: 1, checkpointEvery: 2, previewImage: photo, previewSize: 48, ...over });

describe('style network requests', () => {
  let trained = '';

  it('styleTrain: every step its losses, a checkpoint look as a preview image, the final look and curve in the result', async () => {
    const before = tf.memory().numTensors;
    const previews: Omit<PreviewParams, 'jobId'>[] = [];
    const p = train({});
    const r = await handlers.styleTrain(p, context({ previews }));
    expect(r.stepsDone).toBe(4);
    expect(r.stopped).toBe(false);
    expect(r.curve.map((c) => c.step)).toEqual([1, 2, 3, 4]);
    for (const c of r.curve) expect(Object.keys(c.terms).sort()).toEqual(['content', 'style', 'tv']);
    expect(previews.map((x) => x.step)).toEqual([1, 2, 3, 4]);
    expect(previews.every((x) => x.of === 4 && Number.isFinite(x.scalars.total))).toBe(true);
    // The checkpoint after step 2 is seen with step 3's preview.
    expect(previews.filter((x) => x.pngBase64).map((x) => x.step)).toEqual([3]);
    const png = PNG.sync.read(Buffer.from(r.preview!.pngBase64, 'base64'));
    expect(Math.max(png.width, png.height)).toBe(48);
    expect(r.modelFile).toBe(path.join(p.outModel, 'model.json'));
    expect(existsSync(r.modelFile)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    trained = r.modelFile;
  }, 120_000);

  it('styleApply: one forward pass at the asked size, a PNG with the size, the time and the record', async () => {
    const before = tf.memory().numTensors;
    const r = await handlers.styleApply({ styleNetwork: trained, image: photo, size: 64 }, context());
    const png = PNG.sync.read(Buffer.from(r.pngBase64, 'base64'));
    expect([png.width, png.height]).toEqual([r.width, r.height]);
    expect(Math.max(r.width, r.height)).toBe(64);
    expect(r.milliseconds).toBeGreaterThan(0);
    expect(r.style).toBe('scream.jpg');
    expect(r.stepsDone).toBe(4);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('stop after a step keeps a checkpoint; resume continues from it to the steps asked', async () => {
    const stop = new AbortController();
    const p = train({ steps: 3 });
    const first = await handlers.styleTrain(p, context({ stopSignal: stop.signal, previews: [], preview: () => stop.abort() }));
    expect(first.stopped).toBe(true);
    expect(first.stepsDone).toBe(1);
    expect(existsSync(path.join(p.outModel, 'training-state.json'))).toBe(true);
    const before = tf.memory().numTensors;
    const second = await handlers.styleTrain({ ...p, resume: true }, context());
    expect(second.resumedFrom).toBe(1);
    expect(second.stepsDone).toBe(3);
    expect(second.curve.map((c) => c.step)).toEqual([1, 2, 3]);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('cancel ends the run with an error and leaks nothing', async () => {
    const abort = new AbortController();
    const before = tf.memory().numTensors;
    await expect(handlers.styleTrain(train({ steps: 50 }), context({ signal: abort.signal, previews: [], preview: () => abort.abort() }))).rejects.toThrow(/cancel/i);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('bad input: the error names the file', async () => {
    const before = tf.memory().numTensors;
    const notStyle = path.join(root, 'models/mnist-cnn/model.json');
    await expect(handlers.styleApply({ styleNetwork: notStyle, image: photo }, context())).rejects.toThrow(/mnist-cnn.*not a style network/);
    await expect(handlers.styleApply({ styleNetwork: trained, image: path.join(photos, 'missing.png') }, context())).rejects.toThrow(/missing\.png/);
    await expect(handlers.styleApply({ styleNetwork: path.join(root, 'nowhere/model.json'), image: photo }, context())).rejects.toThrow(/nowhere/);
    await expect(handlers.styleTrain(train({ previewImage: path.join(photos, 'missing.png') }), context())).rejects.toThrow(/missing\.png/);
    await expect(handlers.styleTrain(train({ contentDir: path.join(root, 'no-such-folder') }), context())).rejects.toThrow(/no-such-folder/);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
