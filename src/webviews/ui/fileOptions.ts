// Image-file options as data (pure: unit-tested without a browser): a 'files' list with a blend
// weight per image, kept in the method's companion string option (`styles` → `styleWeights`,
// comma-separated, one per image in order), picked images added or replacing, one removed, and
// the thumbnails a result is shown beside.
import type { MethodInfo } from '../../shared/methodSchema';
import type { OptionValues, PickedFile } from '../../shared/webviewProtocol';

// The value types of optionValues.ts, restated from the protocol (that file imports this one).
type OptionValue = OptionValues[string];
type LooseOptionValues = Readonly<Record<string, OptionValue | undefined>>;

/** A weight a new image gets, and the slider's range. */
export const defaultWeight = 1;
export const weightRange = { min: 0, max: 1, step: 0.05 };

/** The string option holding the blend weights of the 'files' option `key` (`styles` → `styleWeights`), if the method has one. */
export function weightsKeyOf(method: Pick<MethodInfo, 'options'>, key: string): string | undefined {
  const candidate = `${key.replace(/s$/, '')}Weights`;
  return method.options[key]?.type === 'files' && method.options[candidate]?.type === 'string' ? candidate : undefined;
}

/** The list a 'files' value holds. */
export function fileList(value: OptionValue | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'object' ? [...value] : String(value).split(',').map((s) => s.trim()).filter(Boolean);
}

/** `count` weights from the comma-separated text: a missing or unreadable one is the default, extra ones are dropped. */
export function parseWeights(text: OptionValue | undefined, count: number): number[] {
  const parts = typeof text === 'string' ? text.split(',') : typeof text === 'number' ? [String(text)] : [];
  return Array.from({ length: count }, (_, i) => {
    const n = Number(parts[i]?.trim());
    return parts[i] !== undefined && parts[i]!.trim() !== '' && Number.isFinite(n) && n >= 0 ? n : defaultWeight;
  });
}

/** The weights as the engine reads them; short decimals (a slider's 0.35 stays 0.35). */
export function joinWeights(weights: readonly number[]): string {
  return weights.map((w) => String(Math.round(w * 1000) / 1000)).join(',');
}

export interface FileListState {
  files: string[];
  weights: number[];
}

export function fileListState(value: OptionValue | undefined, weights: OptionValue | undefined): FileListState {
  const files = fileList(value);
  return { files, weights: parseWeights(weights, files.length) };
}

/** Adds picked images at the end (one already listed keeps its place and weight). */
export function addFiles(state: FileListState, added: readonly string[]): FileListState {
  const files = [...state.files];
  const weights = [...state.weights];
  for (const f of added) {
    if (files.includes(f)) continue;
    files.push(f);
    weights.push(defaultWeight);
  }
  return { files, weights };
}

export function removeFile(state: FileListState, index: number): FileListState {
  return { files: state.files.filter((_, i) => i !== index), weights: state.weights.filter((_, i) => i !== index) };
}

export function setWeight(state: FileListState, index: number, weight: number): FileListState {
  return { files: state.files, weights: state.weights.map((w, i) => (i === index ? weight : w)) };
}

/**
 * The option values a list stands for: the files (absent when empty: the method's own requirement
 * then says so) and, with a weights option, the weights in the same order (absent with no files).
 */
export function fileListValues(key: string, weightsKey: string | undefined, state: FileListState): Record<string, OptionValue | undefined> {
  const out: Record<string, OptionValue | undefined> = { [key]: state.files.length ? state.files : undefined };
  if (weightsKey) out[weightsKey] = state.files.length ? joinWeights(state.weights) : undefined;
  return out;
}

/** The user's values of one method after images are picked: a 'file' option takes the first, a 'files' option adds them all. */
export function withPickedFiles(method: Pick<MethodInfo, 'options'>, chosen: LooseOptionValues | undefined, key: string, picked: readonly string[]): Record<string, OptionValue | undefined> {
  const spec = method.options[key];
  if (!spec || picked.length === 0) return {};
  if (spec.type === 'file') return { [key]: picked[0] };
  if (spec.type !== 'files') return {};
  const weightsKey = weightsKeyOf(method, key);
  const state = fileListState(chosen?.[key], weightsKey ? chosen?.[weightsKey] : undefined);
  return fileListValues(key, weightsKey, addFiles(state, picked));
}

/** A thumbnail beside the result: which option it comes from, the image, and its blend weight where there is one. */
export interface SourceThumb {
  label: string;
  name: string;
  title: string;
  dataUrl?: string;
  weight?: number;
}

/**
 * The images a run read, for the side-by-side: the method's 'file' and 'files' options in schema
 * order (content, then the styles with their weights). Paths without a thumbnail show by name.
 */
export function sourceThumbs(method: Pick<MethodInfo, 'options'> | undefined, options: LooseOptionValues | OptionValues | undefined, known: ReadonlyMap<string, PickedFile>): SourceThumb[] {
  const out: SourceThumb[] = [];
  for (const [key, spec] of Object.entries(method?.options ?? {})) {
    if (spec.type !== 'file' && spec.type !== 'files') continue;
    const files = fileList(options?.[key]);
    const weightsKey = spec.type === 'files' ? weightsKeyOf(method!, key) : undefined;
    const weights = weightsKey && files.length > 1 ? parseWeights(options?.[weightsKey], files.length) : undefined;
    files.forEach((file, i) => {
      const info = known.get(file);
      const name = info?.name ?? file.split(/[\\/]/).pop() ?? file;
      out.push({ label: spec.label, name, title: info?.relativePath ?? file, dataUrl: info?.dataUrl, ...(weights ? { weight: weights[i] } : {}) });
    });
  }
  return out;
}
