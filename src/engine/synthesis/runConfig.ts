import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SynthesisConfig } from '../../shared/engineProtocol';
import { UserError } from '../errors';
import { parseJsonText } from '../model/jsonText';
import type { LoadedModel } from '../model/loadedModel';
import { modelSha256 } from '../model/modelHash';
import type { MethodInfo } from '../../shared/methodSchema';

/** SHA-256 of a file's bytes (a model.json and its weight files: the hash of model.json plus each shard's). */
export function fileSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Every option of the method with its value as run (defaults filled in), for the config. */
export function resolvedOptions(d: MethodInfo, given: Record<string, unknown>): Record<string, number | string | string[]> {
  const out: Record<string, number | string | string[]> = {};
  for (const [key, spec] of Object.entries(d.options)) {
    const v = given[key] ?? spec.default;
    if (v !== undefined) out[key] = Array.isArray(v) ? [...(v as string[])] : (v as number | string);
  }
  return out;
}

export function runConfig(command: string, model: LoadedModel, options: Record<string, number | string | string[]>, image?: string): SynthesisConfig {
  return { command, model: path.resolve(model.file), modelSha256: modelSha256(model), ...(image ? { image: path.resolve(image), imageSha256: fileSha256(image) } : {}), options };
}

/** Reads a config written by --json (its `config`) or the config alone; a UserError naming the file otherwise. */
export function readRunConfig(file: string, command: string): SynthesisConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`${file}: cannot read the run config (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const parsed = parseJsonText(text, file) as { config?: SynthesisConfig } & Partial<SynthesisConfig>;
  const config = (parsed && typeof parsed === 'object' && 'config' in parsed ? parsed.config : parsed) as SynthesisConfig | undefined;
  if (!config || typeof config !== 'object' || typeof config.options !== 'object' || config.options === null) throw new UserError(`${file}: not a run config (no "options"; write one with --json)`);
  if (config.command !== command) throw new UserError(`${file}: a config of '${config.command}', not of '${command}'`);
  return config;
}
