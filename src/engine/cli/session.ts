import { readFileSync, statSync } from 'node:fs';
import { initBackend, type BackendInfo, type BackendPreference } from '../backend';
import { UserError } from '../errors';
import { loadInputImage, type InputImage } from '../image/loadInputImage';
import { parseJsonText } from '../model/jsonText';
import { loadModel, type ConfigOverrides } from '../model/loadModel';
import type { LoadedModel } from '../model/loadedModel';
import { choiceFlag, listFlag, requireFlag, type Flags } from './args';

/** What every command starts from: a backend, a model, and (for most) an input image. */
export interface Session {
  backend: BackendInfo;
  model: LoadedModel;
}

const backendChoices = ['auto', 'native-gpu', 'native', 'wasm', 'cpu'] as const;

export async function openSession(flags: Flags): Promise<Session> {
  const modelFile = requireFlag(flags, 'model', '(the path of a TF.js model.json)');
  const backend = await initBackend(backendPreference(flags));
  const model = await loadModel(modelFile, overridesFrom(flags));
  return { backend, model };
}

/** --backend, else CONVSCOPE_BACKEND, else the fastest that loads. */
export function backendPreference(flags: Flags): BackendPreference {
  return (choiceFlag(flags, 'backend', backendChoices) ?? process.env.CONVSCOPE_BACKEND ?? 'auto') as BackendPreference;
}

export function openImage(session: Session, flags: Flags): InputImage {
  return loadInputImage(session.model, requireFlag(flags, 'image', '(an image file: PNG, JPEG or BMP)'));
}

/** CLI flags override the model's sidecar file. */
function overridesFrom(flags: Flags): ConfigOverrides {
  const preprocessing: ConfigOverrides['preprocessing'] = {};
  const range = listFlag(flags, 'input-range', 2);
  if (range) preprocessing.inputRange = [range[0]!, range[1]!];
  const mean = listFlag(flags, 'mean');
  if (mean) preprocessing.mean = mean;
  const std = listFlag(flags, 'std');
  if (std) {
    if (std.some((s) => s === 0)) throw new UserError('--std must not contain 0');
    preprocessing.std = std;
  }
  if (flags.bgr) preprocessing.channelOrder = 'bgr';
  const overrides: ConfigOverrides = { preprocessing };
  if (flags.labels) overrides.labels = readLabels(flags.labels);
  return overrides;
}

/** A labels file: one class name per line, or a JSON array of names. */
function readLabels(file: string): string[] {
  let text: string;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw new UserError(`${file}: is a folder, not a labels file`);
    if (!stat.isFile()) throw new UserError(`${file}: not a regular file, not a labels file`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: ${code === 'ENOENT' ? 'labels file not found' : `cannot read the labels file (${code ?? 'error'})`}`);
  }
  if (text.trim().startsWith('[')) {
    const parsed: unknown = parseJsonText(text, file);
    if (!Array.isArray(parsed) || !parsed.every((l) => typeof l === 'string')) throw new UserError(`${file}: expected a JSON array of strings`);
    return parsed;
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}
