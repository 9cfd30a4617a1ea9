// The engine's folder requests: a plan (the cost, how many images), and a run of a folder method
// (features, neighbours, 2-D map, patches) with progress in images and stop keeping what is done.
import type * as P from '../../shared/engineProtocol';
import { backendInfo } from '../backend';
import { UserError } from '../errors';
import { decodeImageFile } from '../image/decodeImage';
import { encodePng } from '../image/encodePng';
import { readImageSize, sniffFormat } from '../image/imageHeader';
import { optionDefaults, validateOptions } from '../methods/descriptor';
import type { LoadedModel } from '../model/loadedModel';
import { FeatureCache } from '../dataset/featureCache';
import { openImageFolder, type ImageSource } from '../dataset/imageFolder';
import { folderMethod } from '../features/catalog';
import type { AnyFolderMethod, FolderOutcome } from '../features/descriptor';
import type { EmbedResult } from '../features/embedMethod';
import type { FeaturesResult } from '../features/featuresMethod';
import type { NeighborsResult } from '../features/neighborsMethod';
import type { Box, PatchesResult } from '../features/patches';
import { patchPictures } from '../features/patchPictures';
import { renderPatchGrids } from '../render/patchGrid';
import type { JobContext } from './jobContext';
import type { ModelCache } from './modelCache';
import { readFileSync } from 'node:fs';

function methodFor(p: P.FolderRunParams): AnyFolderMethod {
  const d = folderMethod(p.method);
  if (!d) throw new UserError(`unknown folder method '${p.method}'`);
  return d;
}

function sourceFor(p: P.FolderRunParams): ImageSource {
  const seed = p.seed ?? (typeof p.options?.seed === 'number' ? p.options.seed : undefined);
  return openImageFolder(p.images, { limit: p.limit, seed });
}

function optionsFor(d: AnyFolderMethod, p: P.FolderRunParams, model: LoadedModel, source: ImageSource): Record<string, unknown> {
  return d.resolve({ ...optionDefaults(d), ...validateOptions(d, p.options ?? {}) }, model, source);
}

export function createFolderHandlers(models: ModelCache) {
  return {
    async folderPlan(p: P.FolderRunParams) {
      const d = methodFor(p);
      const source = sourceFor(p);
      return models.use(p.model, (m) => ({ ...d.cost(optionsFor(d, p, m, source), m, source), images: source.images.length, total: source.total }));
    },

    async folderRun(p: P.FolderRunParams, ctx: JobContext): Promise<P.FolderRunResult> {
      const d = methodFor(p);
      const source = sourceFor(p);
      return models.use(p.model, async (m) => {
        const options = optionsFor(d, p, m, source);
        const t0 = Date.now();
        const cache = new FeatureCache(p.cacheDir, p.cacheCapBytes);
        const r = (await d.run({ model: m, source, cache, progress: ctx.progress, signal: ctx.signal, stop: ctx.stopSignal }, options)) as FolderOutcome & { layer: string };
        const common = { images: source.root, used: source.images.length, total: source.total, layer: r.layer, skipped: r.skipped, computed: r.computed, cached: r.cached, stopped: r.stopped, warnings: r.warnings, backend: backendInfo().name };
        const body = await resultBody(p.method, r, m, ctx.signal);
        return { ...common, ...body, elapsedMs: Date.now() - t0 } as P.FolderRunResult;
      });
    },
  };
}

async function resultBody(method: P.FolderRunParams['method'], r: FolderOutcome, model: LoadedModel, signal: AbortSignal): Promise<object> {
  switch (method) {
    case 'features': {
      const f = r as FeaturesResult;
      return { method, dim: f.dim, items: f.items.map((i) => ({ path: i.image.path, label: i.image.label, vector: Array.from(i.vector) })) };
    }
    case 'neighbors': {
      const n = r as NeighborsResult;
      const list = (xs?: NeighborsResult['neighbors']) => xs?.map((x) => ({ path: x.path, label: x.label, distance: x.distance }));
      return { method, query: n.query, metric: n.metric, ...(n.neighbors ? { neighbors: list(n.neighbors) } : {}), ...(n.pixelNeighbors ? { pixelNeighbors: list(n.pixelNeighbors) } : {}) };
    }
    case 'embed': {
      const e = r as EmbedResult;
      return { method, embedding: e.method, dim: e.dim, points: e.points.map((p) => ({ path: p.path, label: p.label, x: p.x, y: p.y })), ...(e.explainedVariance ? { explainedVariance: e.explainedVariance } : {}) };
    }
    case 'patches': {
      const pr = r as PatchesResult;
      const pictures = await patchPictures(model, pr.layer, pr.channel, pr.patches, signal);
      const png = (img: Parameters<typeof encodePng>[0]) => encodePng(img).toString('base64');
      return {
        method,
        channel: pr.channel,
        receptiveField: { size: pr.receptiveField.size, stride: pr.receptiveField.stride, start: pr.receptiveField.start },
        patches: pr.patches.map((x, i) => ({ path: x.path, label: x.label, value: x.value, row: x.row, col: x.col, box: x.box, imageBox: imageBox(x.path, x.box, model), cropPng: png(pictures.crops[i]!), guidedPng: png(pictures.guided[i]!) })),
        gridPng: pictures.crops.length > 0 ? png(renderPatchGrids(pictures.crops, pictures.guided, { captions: pr.patches.map((x) => x.value.toPrecision(3)) })) : '',
      };
    }
  }
}

/** The box in the source image's pixels (the model saw the image resized to its input size). */
function imageBox(file: string, box: Box, model: LoadedModel): Box {
  let width: number;
  let height: number;
  try {
    const buf = readFileSync(file);
    ({ width, height } = readImageSize(buf, sniffFormat(buf, file), file));
  } catch {
    ({ width, height } = decodeImageFile(file));
  }
  const sx = width / model.inputShape.width;
  const sy = height / model.inputShape.height;
  const x = Math.floor(box.x * sx);
  const y = Math.floor(box.y * sy);
  return { x, y, width: Math.min(width - x, Math.ceil((box.x + box.width) * sx) - x), height: Math.min(height - y, Math.ceil((box.y + box.height) * sy) - y) };
}
