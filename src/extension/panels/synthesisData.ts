// Pure helpers of the synthesis panel (no vscode import, so unit tests reach them): how a command's
// request merges into an open panel, where Save writes and under which name, and the files Save
// writes (never over an existing one: exportPath.ts).
import * as path from 'node:path';
import type { SynthesisResult } from '../../shared/engineProtocol';
import type { OptionValues, PanelState, SynthesisView } from '../../shared/webviewProtocol';
import { writeExportExclusive } from '../exportPath';
import { modelName } from './panelData';

/** Option values a command sets on a method; `undefined` removes the user's value (e.g. the class target when a channel is asked for). */
export type OptionPatch = Record<string, OptionValues[string] | undefined>;

/** What a command asks of a synthesis panel: the method to show and the options it sets. */
export interface SynthesisRequest {
  method: string;
  options?: OptionPatch;
}

/** `options` of one method with `patch` applied. */
export function patchOptions(options: OptionValues | undefined, patch: OptionPatch | undefined): OptionValues {
  const out: Record<string, OptionValues[string]> = { ...options };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

/** The panel's view after a command: its method on show, the command's options over the user's earlier values of that method (the other methods' are kept). */
export function requestedView(current: SynthesisView, request: SynthesisRequest): SynthesisView {
  const options = { ...current.options };
  const patched = patchOptions(options[request.method], request.options);
  if (Object.keys(patched).length) options[request.method] = patched;
  else delete options[request.method];
  return { ...current, method: request.method, options };
}

/** The image a run sends: only to a method that reads one (unknown: send it, the engine ignores what it does not need). */
export function runImage(state: PanelState, needsImage: boolean | undefined): string | undefined {
  return needsImage === false ? undefined : state.image;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'image';
}

/**
 * The file name (without extension) Save starts from: `<image>-<method>` for a method that read an
 * image, `<model>-<method>[-class-K | -<layer>-ch<C>]` for a visualization, from the options the run used.
 */
export function synthesisBaseName(result: Pick<SynthesisResult, 'method' | 'config'>): string {
  const { image, model, options } = result.config;
  if (image) return `${safe(path.basename(image, path.extname(image)))}-${safe(result.method)}`;
  const what = typeof options.target === 'number' ? `-class-${options.target}` : typeof options.layer === 'string' && options.channel !== undefined ? `-${options.layer}-ch${String(options.channel)}` : '';
  return `${safe(modelName(model))}-${safe(`${result.method}${what}`)}`;
}

/** Save writes next to the input image, or next to the model for a method without one. */
export function synthesisSaveDir(result: Pick<SynthesisResult, 'config'>): string {
  return path.dirname(result.config.image ?? result.config.model);
}

export interface SavedSynthesis {
  png: string;
  json: string;
}

/**
 * Writes the image and its run config (`result.config`, which `convscope <command> --config`
 * reproduces) side by side as `<base>[-N].png` and `.json`, never replacing a file: the first
 * number free for both is taken.
 */
export async function saveSynthesis(result: SynthesisResult): Promise<SavedSynthesis> {
  const dir = synthesisSaveDir(result);
  const base = synthesisBaseName(result);
  const png = await writeExportExclusive(dir, base, 'png', Buffer.from(result.pngBase64, 'base64'));
  const json = await writeExportExclusive(dir, base, 'json', Buffer.from(`${JSON.stringify(result.config, null, 2)}\n`), png.stem);
  return { png: png.file, json: json.file };
}
