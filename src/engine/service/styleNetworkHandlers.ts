// The engine's fast style requests: a style network applied to a photo (one forward pass), and
// training one as a long job (each step's losses and each checkpoint's look as previews; stop ends
// after the step and keeps a checkpoint; cancel ends now, the last checkpoint stays on disk).
import * as path from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type * as P from '../../shared/engineProtocol';
import { backendInfo } from '../backend';
import { decodeImageFile } from '../image/decodeImage';
import { encodePng } from '../image/encodePng';
import type { RawImage } from '../image/rawImage';
import { checkpoint } from '../methods/types';
import { applyStyleNetwork } from '../synthesis/fastStyle/applyStyle';
import { loadStyleNetwork } from '../synthesis/fastStyle/styleNetwork';
import { trainStyleNetwork } from '../synthesis/fastStyle/training';
import type { JobContext } from './jobContext';
import type { ModelCache } from './modelCache';

/** A photo's own size is kept up to this longer side unless a size is asked for. */
export const defaultStyleApplyMaxSide = 1024;
const defaultPreviewSize = 256;

export function createStyleNetworkHandlers(models: ModelCache) {
  return {
    async styleApply(p: P.StyleApplyParams, ctx: JobContext): Promise<P.StyleApplyResult> {
      const photo = decodeImageFile(p.image);
      await checkpoint(ctx.signal);
      const size = p.size ?? Math.min(defaultStyleApplyMaxSide, Math.max(photo.width, photo.height));
      const net = await loadStyleNetwork(p.styleNetwork);
      try {
        const r = await applyStyleNetwork(net, photo, size);
        return { pngBase64: encodePng(r.image).toString('base64'), width: r.width, height: r.height, milliseconds: +r.milliseconds.toFixed(1), style: net.record.style, stepsDone: net.record.stepsDone, backend: backendInfo().name };
      } finally {
        net.dispose();
      }
    },

    async styleTrain(p: P.StyleTrainParams, ctx: JobContext): Promise<P.StyleTrainResult> {
      // The preview photo is read first: a bad one fails before any training.
      const photo = p.previewImage ? decodeImageFile(p.previewImage) : undefined;
      const previewSize = p.previewSize ?? defaultPreviewSize;
      const look = async (net: Pick<Parameters<typeof applyStyleNetwork>[0], 'file' | 'net'>): Promise<RawImage | undefined> => (photo ? (await applyStyleNetwork(net, photo, previewSize)).image : undefined);
      return models.use(p.featureModel, async (featureNet) => {
        let latestPng: string | undefined;
        let sentPng: string | undefined;
        let pending: Promise<void> = Promise.resolve();
        const onCheckpoint = (net: tfl.LayersModel) => {
          // One forward pass of the network as saved, shown with the next step's preview.
          pending = pending
            .then(async () => {
              const image = await look({ file: p.outModel, net });
              if (image) latestPng = encodePng(image).toString('base64');
            })
            // A look that comes too late (the run ended, the network is gone) is simply not shown.
            .catch(() => undefined);
        };
        const r = await trainStyleNetwork(
          featureNet,
          { style: p.style, contentDir: p.contentDir, outModel: p.outModel, steps: p.steps, size: p.size, batch: p.batch, checkpointEvery: p.checkpointEvery, resume: p.resume },
          {
            progress: ctx.progress,
            signal: ctx.signal,
            stop: ctx.stopSignal,
            onCheckpoint,
            onStep: (point) =>
              ctx.preview?.(() => {
                const png = latestPng !== sentPng ? latestPng : undefined;
                sentPng = latestPng;
                return { step: point.step, of: p.steps, scalars: { total: point.total, content: point.content, style: point.style, tv: point.tv }, ...(png ? { pngBase64: png } : {}) };
              }),
          },
        );
        await pending;
        let preview: P.StyleTrainResult['preview'];
        if (photo) {
          const net = await loadStyleNetwork(path.join(r.outModel, 'model.json'));
          try {
            const a = await applyStyleNetwork(net, photo, previewSize);
            preview = { pngBase64: encodePng(a.image).toString('base64'), width: a.width, height: a.height };
          } finally {
            net.dispose();
          }
        }
        return {
          outModel: r.outModel,
          modelFile: path.join(r.outModel, 'model.json'),
          stepsDone: r.stepsDone,
          stepsAsked: r.stepsAsked,
          resumedFrom: r.resumedFrom,
          stopped: r.stopped,
          curve: r.curve.map((c) => ({ step: c.step, total: c.total, terms: { content: c.content, style: c.style, tv: c.tv } })),
          trainingSeconds: r.record.trainingSeconds,
          skipped: r.skipped.map((s) => `${s.file}: ${s.reason}`),
          ...(preview ? { preview } : {}),
          backend: backendInfo().name,
        };
      });
    },
  };
}
