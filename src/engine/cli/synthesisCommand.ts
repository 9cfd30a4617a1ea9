import * as path from 'node:path';
import { UserError } from '../errors';
import { decodeImageFile } from '../image/decodeImage';
import { validateOptions } from '../methods/descriptor';
import type { AnySynthesisDescriptor } from '../synthesis/descriptor';
import { readRunConfig, resolvedOptions, runConfig } from '../synthesis/runConfig';
import type { SynthesisConfig } from '../../shared/engineProtocol';
import { numberFlag, type Flags } from './args';
import type { CommandContext, CommandOutput } from './commandTypes';
import { commandHeader } from './header';
import { methodOptionsFromFlags } from './methodFlags';

/** The bundled feature network dream and invert use when no --model is given (next to dist/). */
export const bundledFeatureNetwork = path.join(__dirname, '..', 'models', 'inceptionv3', 'model.json');

/** The run config named by --config, if any (checked to be one of this command's). */
export function configFlag(flags: Flags, command: string): SynthesisConfig | undefined {
  return typeof flags.config === 'string' ? readRunConfig(flags.config, command) : undefined;
}

/**
 * The model file of a synthesis command: --model, else the config's, else (for methods that read
 * a photo) the bundled InceptionV3.
 */
export function synthesisModelFile(d: AnySynthesisDescriptor, flags: Flags): string | undefined {
  if (typeof flags.model === 'string') return flags.model;
  const config = configFlag(flags, d.command);
  if (config) return config.model;
  return d.needsImage || d.usesFeatureNetwork ? bundledFeatureNetwork : undefined;
}

/**
 * Runs a synthesis descriptor as a CLI command: options from its flags (over those of --config),
 * the cost printed first, the image for --out, and for --json the curve, the details and the run
 * config (every option, the seed, the model and image with their hashes) that --config reads back.
 */
export async function runSynthesisCommand(d: AnySynthesisDescriptor, ctx: CommandContext): Promise<CommandOutput> {
  const { flags, session } = ctx;
  const { model } = session;
  const config = configFlag(flags, d.command);
  const warnings: string[] = [];
  const checked = validateOptions(d, { ...(config?.options ?? {}), ...methodOptionsFromFlags(d, flags, false) });
  const budget = numberFlag(flags, 'memory-budget', { min: 1 });
  const resolved = d.resolve ? d.resolve(checked, model) : checked;
  // The budget bounds memory, not the image: it stays out of the run config.
  const given = budget === undefined ? resolved : { ...resolved, memoryBudgetBytes: budget * 1024 * 1024 };
  const cost = d.cost(given, model);
  ctx.announce(`${d.command}: ${cost.summary}`);
  let image: { file: string; raw: ReturnType<typeof decodeImageFile> } | undefined;
  if (d.needsImage) {
    const file = typeof flags.image === 'string' ? flags.image : config?.image;
    if (!file) throw new UserError(`--image is required for ${d.command} (an image file: PNG, JPEG or BMP)`);
    image = { file, raw: decodeImageFile(file) };
  }
  const run = runConfig(d.command, model, resolvedOptions(d, given), image?.file);
  if (config && config.modelSha256 !== run.modelSha256) warnings.push(`the model differs from the one in ${String(flags.config)} (hash ${run.modelSha256.slice(0, 12)}… ≠ ${String(config.modelSha256).slice(0, 12)}…): the image will differ`);
  if (config?.imageSha256 && run.imageSha256 && config.imageSha256 !== run.imageSha256) warnings.push(`the image differs from the one in ${String(flags.config)}: the result will differ`);
  const out = await d.run({ model, image, progress: ctx.progress, signal: ctx.signal, stop: ctx.stop }, given);
  const first = out.curve[0];
  const last = out.curve[out.curve.length - 1];
  const details = Object.entries(out.details).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.map((x) => (typeof x === 'number' ? +x.toPrecision(4) : x)).join(', ')}]` : typeof v === 'number' ? +v.toPrecision(6) : v}`).join(' ');
  const text = [
    `${d.command}${image ? ` ${image.file}` : ''}: ${out.image.width}×${out.image.height} image${out.stopped ? ' (stopped early)' : ''}`,
    first && last ? `objective ${+first.total.toPrecision(5)} → ${+last.total.toPrecision(5)} over ${out.curve.length} steps` : 'no steps run',
    `details  ${details}`,
  ].join('\n');
  return {
    text,
    json: { ...commandHeader(ctx.session), method: d.name, stopped: out.stopped, details: out.details, ...(out.extra ?? {}), curve: out.curve, config: run },
    png: out.image,
    warnings: [...warnings, ...out.warnings],
  };
}
