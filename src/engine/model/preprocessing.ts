import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from '../errors';
import { parseJsonText } from './jsonText';
import { sidecarPath } from '../../shared/sidecarPath';

/**
 * How pixels become model inputs. Pixels (0..255) map linearly onto `inputRange`, then
 * `(x - mean) / std` per channel if given. Channels are in `channelOrder` (decoders give RGB).
 */
export interface Preprocessing {
  inputRange: [number, number];
  mean?: number[];
  std?: number[];
  channelOrder: 'rgb' | 'bgr';
}

/** Everything the sidecar file can say about a model. */
export interface ModelConfig {
  preprocessing: Preprocessing;
  /** Class names, index = output unit. */
  labels?: string[];
  /** Set when the model's output already went through softmax and cannot be stripped (graph models). */
  outputIsProbability?: boolean;
  /** Set for backbones whose head must not be shown as classes (e.g. the nsfwjs 5-class head). */
  hideClasses?: boolean;
  /** Human description shown in `info`. */
  description?: string;
  /**
   * The layer whose vectors describe an image for the folder methods (neighbours, maps) when no
   * --layer is given; default the penultimate layer (for a backbone with a task-specific head, a
   * layer before that head is better).
   */
  featureLayer?: string;
  /**
   * Marks a style network (a transform net written by `style-train`): how it was trained. Such a
   * model is applied with `style-apply`, not loaded as a classifier.
   */
  styleNetwork?: Record<string, unknown>;
}

export const defaultPreprocessing: Preprocessing = { inputRange: [0, 1], channelOrder: 'rgb' };

export { sidecarPath };

/** Reads the sidecar if present; validates every field and names the file in any error. */
export function readModelConfig(modelJsonPath: string): ModelConfig {
  const file = sidecarPath(modelJsonPath);
  if (!existsSync(file)) return { preprocessing: { ...defaultPreprocessing } };
  if (!statSync(file).isFile()) throw new UserError(`${file}: not a regular file`);
  return parseModelConfig(parseJsonText(readFileSync(file, 'utf8'), file), file);
}

export function parseModelConfig(raw: unknown, file: string): ModelConfig {
  const bad = (what: string): never => {
    throw new UserError(`${file}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('expected a JSON object');
  const o = raw as Record<string, unknown>;
  const pre = (o.preprocessing ?? {}) as Record<string, unknown>;
  if (typeof pre !== 'object' || pre === null) bad('"preprocessing" must be an object');
  const config: ModelConfig = { preprocessing: { ...defaultPreprocessing } };
  if (pre.inputRange !== undefined) {
    const r = numberArray(pre.inputRange, 2, '"preprocessing.inputRange"', bad);
    config.preprocessing.inputRange = [r[0]!, r[1]!];
  }
  if (pre.mean !== undefined) config.preprocessing.mean = numberArray(pre.mean, undefined, '"preprocessing.mean"', bad);
  if (pre.std !== undefined) {
    const std = numberArray(pre.std, undefined, '"preprocessing.std"', bad);
    if (std.some((s) => s === 0)) bad('"preprocessing.std" must not contain 0');
    config.preprocessing.std = std;
  }
  if (pre.channelOrder !== undefined) {
    if (pre.channelOrder !== 'rgb' && pre.channelOrder !== 'bgr') bad('"preprocessing.channelOrder" must be "rgb" or "bgr"');
    config.preprocessing.channelOrder = pre.channelOrder as 'rgb' | 'bgr';
  }
  if (o.labels !== undefined) {
    if (!Array.isArray(o.labels) || !o.labels.every((l) => typeof l === 'string')) bad('"labels" must be an array of strings');
    config.labels = o.labels as string[];
  }
  for (const flag of ['outputIsProbability', 'hideClasses'] as const) {
    if (o[flag] !== undefined) {
      if (typeof o[flag] !== 'boolean') bad(`"${flag}" must be true or false`);
      config[flag] = o[flag] as boolean;
    }
  }
  if (o.description !== undefined) {
    if (typeof o.description !== 'string') bad('"description" must be a string');
    config.description = o.description as string;
  }
  if (o.featureLayer !== undefined) {
    if (typeof o.featureLayer !== 'string' || o.featureLayer === '') bad('"featureLayer" must be a layer name');
    config.featureLayer = o.featureLayer as string;
  }
  if (o.styleNetwork !== undefined) {
    if (typeof o.styleNetwork !== 'object' || o.styleNetwork === null || Array.isArray(o.styleNetwork)) bad('"styleNetwork" must be an object');
    config.styleNetwork = o.styleNetwork as Record<string, unknown>;
  }
  return config;
}

function numberArray(v: unknown, length: number | undefined, name: string, bad: (w: string) => never): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) bad(`${name} must be an array of numbers`);
  const arr = v as number[];
  if (length !== undefined && arr.length !== length) bad(`${name} must have ${length} numbers`);
  return arr;
}
