import type * as P from '../../shared/engineProtocol';
import * as tf from '../tf';
import { backendInfo } from '../backend';
import { applyColormap } from '../render/colormap';
import { encodePng } from '../image/encodePng';
import { loadInputImage } from '../image/loadInputImage';
import type { RawImage } from '../image/rawImage';
import { renderFilterGrid, renderFilterTiles } from '../render/renderFilters';
import { mapHeatmap, saliencyHeatmap, saliencyOverlay } from '../render/renderSaliency';
import { activations } from '../methods/activations';
import { filters } from '../methods/filters';
import { methodInfo, optionDefaults, validateOptions, type AnyMethodDescriptor, type CostPlan } from '../methods/descriptor';
import { predict } from '../methods/predict';
import { attributionMethod, attributionMethods } from '../methods/catalog';
import { checkpoint, type PreviewFn, type ProgressFn } from '../methods/types';
import type { LoadedModel } from '../model/loadedModel';
import type { ModelCache } from './modelCache';
import type { JobContext } from './jobContext';

export type { JobContext } from './jobContext';
import { synthesisMethods } from '../synthesis/catalog';
import { createStyleNetworkHandlers } from './styleNetworkHandlers';
import { createSynthesisHandlers } from './synthesisHandlers';
import { createFolderHandlers } from './folderHandlers';
import { folderMethods } from '../features/catalog';


const png64 = (img: RawImage) => encodePng(img).toString('base64');

/** The engine's request handlers, shared by the child process (main.ts) and tests. */
export function createHandlers(models: ModelCache) {
  return {
    ...createSynthesisHandlers(models),
    ...createStyleNetworkHandlers(models),
    ...createFolderHandlers(models),
    status(): P.StatusResult {
      const m = tf.memory();
      return { rssBytes: process.memoryUsage().rss, tensors: m.numTensors, tensorBytes: m.numBytes, modelsLoaded: models.size };
    },

    modelInfo(p: P.ModelParams): Promise<P.ModelInfoResult> {
      return models.use(p.model, (m) => ({
        file: m.file,
        kind: m.kind,
        inputShape: m.inputShape,
        numClasses: m.numClasses,
        labels: m.config.hideClasses ? undefined : m.config.labels,
        hideClasses: m.config.hideClasses ?? false,
        description: m.config.description,
        layers: m.layers,
        backend: backendInfo().name,
        methods: attributionMethods().map((d) => ({ ...methodInfo(d), defaultCost: defaultCost(d, m) })),
        synthesisMethods: synthesisMethods().map((d) => ({ ...methodInfo(d), needsImage: d.needsImage })),
        folderMethods: folderMethods().map((d) => methodInfo(d)),
        warnings: [],
      }));
    },

    predict(p: P.PredictParams, ctx: JobContext): Promise<P.PredictResult> {
      return models.use(p.model, async (m) => {
        const img = loadInputImage(m, p.image);
        try {
          const r = await predict(m, img.input, { topK: p.topK ?? 5 }, ctx.progress, ctx.signal);
          return { top: r.top, backend: backendInfo().name, warnings: [] };
        } finally {
          img.input.dispose();
        }
      });
    },

    filters(p: P.FiltersParams, ctx: JobContext): Promise<P.FiltersResult> {
      return models.use(p.model, async (m) => {
        const f = await filters(m, undefined as never, { layer: p.layer }, ctx.progress, ctx.signal);
        const mode = p.mode ?? 'auto';
        return { layer: f.layer, kernelShape: f.kernel.shape, rgb: f.rgb, mode, png: png64(renderFilterGrid(f, mode)), tiles: renderFilterTiles(f, mode).map(png64), backend: backendInfo().name, warnings: [] };
      });
    },

    activations(p: P.ActivationsParams, ctx: JobContext): Promise<P.ActivationsResult> {
      return models.use(p.model, async (m) => {
        const img = loadInputImage(m, p.image);
        try {
          const a = await activations(m, img.input, { layer: p.layer }, ctx.progress, ctx.signal);
          return { layer: p.layer, shape: a.activation.shape, channels: channelMaps(a.activation.shape, a.activation.data), backend: backendInfo().name, warnings: [] };
        } finally {
          img.input.dispose();
        }
      });
    },

    async saliencyPlan(p: P.SaliencyParams): Promise<P.SaliencyPlanResult> {
      // Bad options are refused before the model loads.
      const method = attributionMethod(p.method);
      const options = validateOptions(method, p.options);
      return models.use(p.model, (m) => method.cost(options, m));
    },

    async saliency(p: P.SaliencyParams, ctx: JobContext): Promise<P.SaliencyResult> {
      const method = attributionMethod(p.method);
      const options = validateOptions(method, p.options);
      return models.use(p.model, async (m) => {
        // Loading a large model takes seconds: a cancel sent meanwhile is honoured here.
        await checkpoint(ctx.signal);
        const img = loadInputImage(m, p.image);
        const t0 = Date.now();
        try {
          const r = await method.run({ model: m, input: img.input, progress: ctx.progress, signal: ctx.signal, stop: ctx.stopSignal, preview: previewSink(ctx) }, { ...options, target: p.target });
          await checkpoint(ctx.signal);
          const render = { colormap: p.colormap, opacity: p.opacity };
          const heatmap = saliencyHeatmap(r, render);
          return {
            method: p.method,
            target: r.target,
            overlayPng: png64(saliencyOverlay(img.image, r, render, heatmap)),
            heatmapPng: png64(heatmap),
            signedMap: r.signedMap,
            map: { shape: r.map.shape, data: Array.from(r.map.data) },
            details: r.details,
            warnings: r.warnings ?? [],
            elapsedMs: Date.now() - t0,
            backend: backendInfo().name,
          };
        } finally {
          img.input.dispose();
        }
      });
    },
  };
}

export type EngineHandlers = ReturnType<typeof createHandlers>;

/**
 * A method's previews as the protocol sends them: the map at model input size, coloured on the
 * same scale as the final heatmap (previews are of unsigned maps, e.g. a running mean over noise samples).
 */
function previewSink(ctx: JobContext): PreviewFn | undefined {
  const send = ctx.preview;
  if (!send) return undefined;
  return (frame) =>
    send(() => {
      const f = frame();
      const [h, w] = f.map?.shape ?? [];
      const pngBase64 = f.map && h && w ? png64(mapHeatmap(f.map.data, w, h, false, 'inferno')) : undefined;
      return { step: f.step, of: f.of, scalars: f.scalars, ...(pngBase64 ? { pngBase64 } : {}) };
    });
}

/** What a run at the method's defaults costs on this model; undefined when the defaults do not fit it. */
function defaultCost(d: AnyMethodDescriptor, model: LoadedModel): CostPlan | undefined {
  try {
    return d.cost(optionDefaults(d), model);
  } catch {
    return undefined;
  }
}

function channelMaps(shape: number[], data: Float32Array): P.ChannelActivation[] {
  const C = shape[shape.length - 1]!;
  const positions = data.length / C;
  const [h, w] = shape.length === 4 ? [shape[1]!, shape[2]!] : [1, 1];
  return Array.from({ length: C }, (_, c) => {
    const values = new Float32Array(positions);
    let sum = 0;
    let max = -Infinity;
    for (let p = 0; p < positions; p++) {
      const v = data[p * C + c]!;
      values[p] = v;
      sum += v;
      if (v > max) max = v;
    }
    return { channel: c, mean: sum / positions, max, png: png64(applyColormap(values, w, h, 'viridis')) };
  });
}
