// The demo gallery's folder section (issue 11): 2-D maps of the 1,500 held-out digits at the digit
// model's penultimate layer (t-SNE, UMAP, PCA) beside a PCA of their pixels, nearest neighbours in
// feature vs pixel space (digits, and the bundled photos through InceptionV3), and max-activating
// patches for four channels of two layers — the seed's figures, each with its numbers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decodeImageFile } from '../src/engine/image/decodeImage';
import { loadModel } from '../src/engine/model/loadModel';
import type { LoadedModel } from '../src/engine/model/loadedModel';
import { FeatureCache } from '../src/engine/dataset/featureCache';
import { openImageFolder, type ImageSource } from '../src/engine/dataset/imageFolder';
import { embedMethod, type EmbedOptions, type EmbedResult } from '../src/engine/features/embedMethod';
import { neighbourAccuracy } from '../src/engine/features/embedding/index';
import type { FolderContext } from '../src/engine/features/descriptor';
import { neighborsMethod, type NeighborsOptions } from '../src/engine/features/neighborsMethod';
import { maxActivatingPatches } from '../src/engine/features/patches';
import { patchPictures } from '../src/engine/features/patchPictures';
import { optionDefaults } from '../src/engine/methods/descriptor';
import { tileGrid } from '../src/engine/render/grid';
import { renderNeighborsFigure } from '../src/engine/render/neighborsFigure';
import { renderPatchGrids } from '../src/engine/render/patchGrid';
import { renderScatter } from '../src/engine/render/scatterPlot';
import type { DemoKit, GalleryCard, GallerySection } from './demoGallery';

const title = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP' } as const;

export async function folderSection(kit: DemoKit): Promise<GallerySection> {
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'convscope-demo-features-'));
  const cache = new FeatureCache(cacheDir);
  const digits = await loadModel(path.join(kit.root, 'models/mnist-cnn/model.json'));
  try {
    const source = openImageFolder(path.join(kit.root, 'samples/digit-folder'));
    const ctx: FolderContext = { model: digits, source, cache, progress: () => {}, signal: new AbortController().signal };
    const cards: GalleryCard[] = [];
    for (const [method, space] of [['tsne', 'features'], ['umap', 'features'], ['pca', 'features'], ['pca', 'pixels']] as const) {
      cards.push(await mapCard(kit, ctx, method, space));
    }
    cards.push(await neighboursCard(kit, ctx, path.join(source.root, '4', 'mnist-4-0004.png'), 'digits'));
    for (const layer of ['conv2', 'conv3']) cards.push(await patchesCard(kit, digits, source, cache, layer));
    const inception = await loadModel(path.join(kit.root, 'models/inceptionv3/model.json'));
    try {
      const photos = openImageFolder(path.join(kit.root, 'samples/photo-folder'));
      cards.push(await neighboursCard(kit, { ...ctx, model: inception, source: photos }, path.join(photos.root, 'astronaut', 'astronaut-crop1-mirrored.png'), 'photos'));
    } finally {
      inception.dispose();
    }
    return {
      title: 'Feature space over image folders',
      intro: [
        'features, neighbors, embed and patches over a folder of images (labels: subfolder names). The digits are the 1,500 held out of the digit model\'s training (samples/digit-folder, written by npm run models); the photos are the four bundled photos with mirrored and cropped copies (samples/photo-folder).',
        '5-NN accuracy: the share of points whose 5 nearest points in the 2-D map carry their label.',
      ],
      cards,
    };
  } finally {
    digits.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

async function mapCard(kit: DemoKit, ctx: FolderContext, method: 'pca' | 'tsne' | 'umap', space: 'features' | 'pixels'): Promise<GalleryCard> {
  const options = embedMethod.resolve({ ...(optionDefaults(embedMethod) as unknown as EmbedOptions), method, space }, ctx.model, ctx.source);
  const r: EmbedResult = await kit.step(`embed ${method} of ${space}`, () => embedMethod.run(ctx, options));
  const accuracy = neighbourAccuracy(r.points.map((p) => [p.x, p.y] as const), r.points.map((p) => Number(p.label)), 5);
  const what = space === 'pixels' ? 'pixels' : `${r.layer} (${r.dim} values)`;
  return {
    title: `${title[method]} of the digits' ${what}`,
    image: kit.savePng(`folders-${method}-${space}.png`, renderScatter(r.points.map((p) => ({ x: p.x, y: p.y, label: p.label })), { title: `${title[method]} of ${space === 'pixels' ? 'pixels' : r.layer} (${r.points.length} digits)`, width: 640, height: 480 })),
    lines: [`5-NN accuracy in the map ${accuracy.toFixed(3)}${r.explainedVariance ? `; explained variance ${r.explainedVariance.map((v) => `${(100 * v).toFixed(1)} %`).join(', ')}` : ''}`],
  };
}

async function neighboursCard(kit: DemoKit, ctx: FolderContext, query: string, what: string): Promise<GalleryCard> {
  const options = neighborsMethod.resolve({ ...(optionDefaults(neighborsMethod) as unknown as NeighborsOptions), query }, ctx.model, ctx.source);
  const r = await kit.step(`neighbors of ${path.basename(query)}`, () => neighborsMethod.run(ctx, options));
  const queryLabel = path.basename(path.dirname(query));
  const row = (title: string, list: NonNullable<typeof r.neighbors>) => ({ title, tiles: list.map((n) => ({ image: decodeImageFile(n.path), caption: `${n.distance.toPrecision(3)} ${n.label}`, match: n.label === queryLabel })) });
  const same = (list: NonNullable<typeof r.neighbors>) => list.filter((n) => n.label === queryLabel).length;
  return {
    title: `nearest neighbours of a ${what === 'digits' ? 'digit' : 'photo crop'} (${path.basename(query)}): ${r.layer} features vs pixels`,
    image: kit.savePng(`folders-neighbours-${what}.png`, renderNeighborsFigure({ image: decodeImageFile(query), caption: `query ${queryLabel}` }, [row(`features: ${r.layer} (${r.metric})`, r.neighbors!), row(`pixels (${r.metric})`, r.pixelNeighbors!)])),
    lines: [`same label among the ${r.neighbors!.length}: features ${same(r.neighbors!)}, pixels ${same(r.pixelNeighbors!)} (the query itself is first in both, at distance 0)`],
  };
}

async function patchesCard(kit: DemoKit, model: LoadedModel, source: ImageSource, cache: FeatureCache, layer: string): Promise<GalleryCard> {
  const run = { progress: () => {}, signal: new AbortController().signal };
  const grids = [];
  const lines: string[] = [];
  // The first four channels that fire at all (a dead channel's "top patches" are arbitrary).
  for (let channel = 0; grids.length < 4; channel++) {
    const r = await kit.step(`patches ${layer} channel ${channel}`, () => maxActivatingPatches(model, source, { layer, channel, top: 9 }, cache, run));
    if (!(r.patches[0]!.value > 0)) continue;
    const pictures = await patchPictures(model, layer, channel, r.patches, run.signal);
    grids.push(renderPatchGrids(pictures.crops, pictures.guided, { captions: r.patches.map((p) => p.value.toPrecision(3)), titles: [`${layer} ch ${channel}`, 'guided backprop'] }));
    lines.push(`channel ${channel}: top value ${r.patches[0]!.value.toPrecision(4)}, receptive field ${r.receptiveField.size.join('×')} px`);
  }
  return { title: `max-activating patches of four ${layer} channels over the 1,500 digits, with guided backprop of each peak`, image: kit.savePng(`folders-patches-${layer}.png`, tileGrid(grids, { columns: 2, padding: 12, background: 255 })), lines };
}
