// Pure helpers of the panel classes (no vscode import, so unit tests can reach them): which
// layers a panel offers, image MIME types, export file names and contents.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { LayerInfo, SaliencyMethodInfo, SaliencyOptions, SaliencyResult } from '../../shared/engineProtocol';
import type { MethodInfo } from '../../shared/methodSchema';
import { defaultViews, type ColormapChoice, type PanelKind, type PanelState, type PanelView } from '../../shared/webviewProtocol';
import type { Settings } from '../settings';

/** Layers whose kernels the filters panel can draw. */
export function filterLayers(layers: LayerInfo[]): LayerInfo[] {
  return layers.filter((l) => l.isConv);
}

/**
 * Layers with a channel axis, for activation maps and neuron targets: every layer but the input.
 * Graph models report no shapes (outputShape []), so their layers are kept too.
 */
export function channelLayers(layers: LayerInfo[]): LayerInfo[] {
  return layers.filter((l) => l.type !== 'InputLayer' && (l.outputShape.length === 0 || (l.outputShape[l.outputShape.length - 1] ?? 0) > 0));
}

/** The layer an activations panel opens on: the one asked for if the model has it, else the first conv layer. */
export function pickActivationLayer(layers: LayerInfo[], wanted?: string): string | undefined {
  const offered = channelLayers(layers);
  if (wanted && offered.some((l) => l.name === wanted)) return wanted;
  return (offered.find((l) => l.isConv) ?? offered[0])?.name;
}

/** Number of channels of a layer, when its shape is known. */
export function channelCount(layer: LayerInfo): number | undefined {
  const c = layer.outputShape[layer.outputShape.length - 1];
  return c !== undefined && c > 0 ? c : undefined;
}

const mimeByExtension: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.bmp': 'image/bmp', '.webp': 'image/webp' };

/** The MIME type of an image file by its extension; undefined for anything else. */
export function imageMime(file: string): string | undefined {
  return mimeByExtension[path.extname(file).toLowerCase()];
}

export function dataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** `<image>-<method>`: the image's name without extension, with characters unsafe in file names replaced. */
export function exportBaseName(image: string, method: string): string {
  const stem = path.basename(image, path.extname(image));
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'image';
  return `${safe(stem)}-${safe(method)}`;
}

/** The folder exports go to, inside a workspace folder. */
export const exportFolderName = 'convscope-exports';

/** What an exported .json holds: the target, the raw map (shape + data, row-major) and the method's numbers. */
export function exportJson(model: string, image: string, result: SaliencyResult, render: { colormap: ColormapChoice; opacity: number }) {
  return {
    model,
    image,
    method: result.method,
    target: result.target,
    map: { shape: result.map.shape, data: result.map.data },
    signedMap: result.signedMap,
    details: result.details,
    warnings: result.warnings ?? [],
    elapsedMs: result.elapsedMs,
    backend: result.backend,
    colormap: render.colormap,
    opacity: render.opacity,
  };
}

/** True when `b64` decodes to something that starts like a PNG file. */
export function looksLikePng(b64: string): boolean {
  const head = Buffer.from(b64.slice(0, 16), 'base64');
  return head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
}

/** The panel's view choices, or the defaults for its kind (a state from an older version may have none). */
export function viewOf<K extends PanelKind>(state: PanelState, kind: K): Extract<PanelView, { kind: K }> {
  const view = state.view;
  const fallback = defaultViews[kind] as unknown as Extract<PanelView, { kind: K }>;
  return view && view.kind === kind ? { ...fallback, ...(view as Extract<PanelView, { kind: K }>) } : { ...fallback };
}

/** mnist-cnn for …/mnist-cnn/model.json; the file name when it is not model.json (as the registry titles panels). */
export function modelName(modelFile: string): string {
  const base = path.basename(modelFile);
  return base === 'model.json' ? path.basename(path.dirname(modelFile)) : base.replace(/\.json$/i, '');
}

/** The end of an exhaustive switch over a message union. */
export function assertNever(message: never): never {
  throw new Error(`unexpected message ${JSON.stringify(message)}`);
}

/** The image as a data: URL for a webview, or undefined when it is not a supported image or cannot be read. */
export async function readImageDataUrl(file: string): Promise<string | undefined> {
  const mime = imageMime(file);
  if (!mime) return undefined;
  try {
    return dataUrl(mime, await readFile(file));
  } catch {
    return undefined;
  }
}

/**
 * The engine options of one saliency method from the user's settings: each option whose descriptor
 * names a setting key, with that setting's value (unset or unknown: the engine's default applies).
 */
export function saliencyOptions(method: MethodInfo | undefined, setting: Settings['methodSetting']): SaliencyOptions {
  const options: SaliencyOptions = {};
  for (const [key, spec] of Object.entries(method?.options ?? {})) {
    const value = spec.settingKey === undefined ? undefined : setting(spec.settingKey);
    if (typeof value === 'number' || typeof value === 'string') options[key] = value;
  }
  return options;
}

/** Methods cheap enough (one forward and backward pass at their defaults) to run unasked when a saliency panel opens. */
export function isCheapMethod(method: SaliencyMethodInfo | undefined): boolean {
  const cost = method?.defaultCost;
  return cost !== undefined && cost.forwardPasses <= 2 && cost.backwardPasses <= 1;
}

/**
 * What the panel's option fields show before the user changes them: per method, each option's
 * setting where set, else its schema default (options with neither, e.g. Grad-CAM's layer, are absent).
 */
export function effectiveOptionDefaults(methods: readonly MethodInfo[], setting: Settings['methodSetting']): Record<string, SaliencyOptions> {
  const out: Record<string, SaliencyOptions> = {};
  for (const m of methods) {
    const schema = Object.fromEntries(Object.entries(m.options).flatMap(([k, s]) => (s.default === undefined ? [] : [[k, s.default]])));
    out[m.name] = { ...schema, ...saliencyOptions(m, setting) };
  }
  return out;
}

/** The options one run or plan of `method` sends: the settings, with the user's panel values over them. */
export function runOptionsOf(method: MethodInfo | undefined, setting: Settings['methodSetting'], chosen: Record<string, SaliencyOptions> | undefined): SaliencyOptions {
  return { ...saliencyOptions(method, setting), ...(method ? chosen?.[method.name] : undefined) };
}
