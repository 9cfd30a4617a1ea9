import type * as P from '../../shared/engineProtocol';
import { backendInfo } from '../backend';
import { UserError } from '../errors';
import { decodeImageFile } from '../image/decodeImage';
import { encodePng } from '../image/encodePng';
import { validateOptions, type CostPlan } from '../methods/descriptor';
import { checkpoint } from '../methods/types';
import type { LoadedModel } from '../model/loadedModel';
import { synthesisMethod } from '../synthesis/catalog';
import type { AnySynthesisDescriptor, SynthesisPreview } from '../synthesis/descriptor';
import { resolvedOptions, runConfig } from '../synthesis/runConfig';
import type { JobContext } from './jobContext';
import type { ModelCache } from './modelCache';

/** Options checked against the method's schema, with its model-dependent defaults filled in. */
function optionsFor(d: AnySynthesisDescriptor, p: P.SynthesisParams, model: LoadedModel): Record<string, unknown> {
  const checked = validateOptions(d, p.options ?? {});
  return d.resolve ? d.resolve(checked, model) : checked;
}

/** The engine's synthesis requests: a plan before the run, and the run with previews and stop. */
export function createSynthesisHandlers(models: ModelCache) {
  return {
    async synthesisPlan(p: P.SynthesisParams): Promise<CostPlan> {
      const d = synthesisMethod(p.method);
      validateOptions(d, p.options ?? {});
      return models.use(p.model, (m) => d.cost(optionsFor(d, p, m), m));
    },

    async synthesize(p: P.SynthesisParams, ctx: JobContext): Promise<P.SynthesisResult> {
      const d = synthesisMethod(p.method);
      validateOptions(d, p.options ?? {});
      return models.use(p.model, async (m) => {
        await checkpoint(ctx.signal);
        const options = optionsFor(d, p, m);
        // Refuse bad options (unknown layers, sizes past the budget) before any work.
        d.cost(options, m);
        const file = d.needsImage ? requireImage(d, p) : undefined;
        const image = file ? { file, raw: decodeImageFile(file) } : undefined;
        const t0 = Date.now();
        const out = await d.run({ model: m, image, progress: ctx.progress, signal: ctx.signal, stop: ctx.stopSignal, preview: previewSink(ctx) }, options);
        return {
          method: d.name,
          pngBase64: encodePng(out.image).toString('base64'),
          width: out.image.width,
          height: out.image.height,
          curve: out.curve,
          details: out.details,
          config: runConfig(d.command, m, resolvedOptions(d, options), image?.file),
          warnings: out.warnings,
          stopped: out.stopped,
          elapsedMs: Date.now() - t0,
          backend: backendInfo().name,
        };
      });
    },
  };
}

function requireImage(d: AnySynthesisDescriptor, p: P.SynthesisParams): string {
  if (!p.image) throw new UserError(`${d.name} needs an image`);
  return p.image;
}

/** Previews of a synthesis: the image so far as a PNG, and the terms of the last step. */
function previewSink(ctx: JobContext): ((frame: () => SynthesisPreview) => void) | undefined {
  const send = ctx.preview;
  if (!send) return undefined;
  return (frame) =>
    send(() => {
      const f = frame();
      return { step: f.step, of: f.of, scalars: f.scalars, pngBase64: encodePng(f.image).toString('base64') };
    });
}
