// Style networks as the extension sees them (pure: no vscode import, unit-tested): what marks a
// model.json as one (its sidecar's "styleNetwork" record), the shipped ones beside the extension,
// the Stylize quick pick's items, and how the fast style results show in the Synthesis panel.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { StyleApplyResult, StyleTrainResult, SynthesisResult } from '../shared/engineProtocol';
import type { SynthesisMethodInfo } from '../shared/webviewProtocol';
import { sidecarPath } from '../shared/sidecarPath';

/** The shipped style networks: folders under the extension's models/ (packaged in the VSIX). */
export const shippedStyleNetworkFolders = ['style-scream', 'style-starry-night'] as const;

/** The fast style "method" of the Synthesis panel on a style network (it is no engine descriptor: one forward pass, no options but the photo and its size). */
export const fastStyleMethod: SynthesisMethodInfo = {
  name: 'fast-style',
  label: 'Style network (one pass)',
  hint: 'The content photo through the trained style network: one forward pass',
  result: 'image',
  needsImage: false,
  options: {
    content: { type: 'file', cliFlag: 'image', label: 'Content', hint: 'The photo to stylize' },
    size: { type: 'int', default: 512, min: 16, max: 4096, cliFlag: 'size', label: 'Size', hint: 'The longer side in pixels (rounded to a multiple of 4)' },
  },
};

export interface StyleNetworkInfo {
  file: string;
  /** The style image it learned (file name). */
  style: string;
  stepsDone: number;
}

/** The record of a sidecar's text, when it marks a style network. */
export function styleNetworkRecordOf(sidecarText: string): { style: string; stepsDone: number } | undefined {
  try {
    const json = JSON.parse(sidecarText) as { styleNetwork?: { style?: unknown; stepsDone?: unknown } };
    const r = json?.styleNetwork;
    if (!r || typeof r !== 'object') return undefined;
    return { style: typeof r.style === 'string' ? r.style : '?', stepsDone: typeof r.stepsDone === 'number' ? r.stepsDone : 0 };
  } catch {
    return undefined;
  }
}

/** The model file's style network record, or undefined when it is no style network (or has no readable sidecar). */
export function readStyleNetwork(modelFile: string): StyleNetworkInfo | undefined {
  try {
    const r = styleNetworkRecordOf(readFileSync(sidecarPath(modelFile), 'utf8'));
    return r && { file: modelFile, ...r };
  } catch {
    return undefined;
  }
}

/** The shipped style networks present under the extension's folder. */
export function shippedStyleNetworks(extensionPath: string): StyleNetworkInfo[] {
  return shippedStyleNetworkFolders.flatMap((f) => {
    const file = path.join(extensionPath, 'models', f, 'model.json');
    const info = existsSync(file) ? readStyleNetwork(file) : undefined;
    return info ? [info] : [];
  });
}

export interface StylizeItem {
  label: string;
  description?: string;
  detail?: string;
  /** The style network's model.json; absent on the Gatys item. */
  network?: string;
}

export const optimizeItemLabel = '$(sparkle) Optimize with a style image…';

/**
 * The Stylize quick pick: the shipped networks, then the workspace's (a shipped one found in the
 * workspace too is listed once), then the optimization (Gatys) path.
 */
export function stylizeItems(shipped: readonly StyleNetworkInfo[], workspace: readonly StyleNetworkInfo[], relative: (file: string) => string): StylizeItem[] {
  const seen = new Set(shipped.map((s) => path.resolve(s.file)));
  const own = workspace.filter((w) => !seen.has(path.resolve(w.file)));
  const item = (n: StyleNetworkInfo, where: string): StylizeItem => ({ label: `$(paintcan) ${styleNetworkName(n.file)}`, description: `${n.style} · ${n.stepsDone} training steps`, detail: where, network: n.file });
  return [
    ...shipped.map((n) => item(n, 'shipped with ConvScope: one forward pass')),
    ...own.map((n) => item(n, `${relative(n.file)}: one forward pass`)),
    { label: optimizeItemLabel, description: 'Gatys: optimize the image against a style image of yours (slower)' },
  ];
}

/** A style network's name: its folder without a "style-" prefix (style-scream → scream). */
export function styleNetworkName(modelFile: string): string {
  const base = path.basename(modelFile);
  const name = base === 'model.json' ? path.basename(path.dirname(modelFile)) : base.replace(/\.json$/i, '');
  return name.replace(/^style-/, '');
}

/** The apply result as the Synthesis panel shows it: the content beside the stylized image, its numbers, a config that names the network and photo. */
export function styleApplyAsSynthesis(r: StyleApplyResult, network: string, image: string, size: number | undefined): SynthesisResult {
  return {
    method: fastStyleMethod.name,
    pngBase64: r.pngBase64,
    width: r.width,
    height: r.height,
    curve: [],
    details: { network: styleNetworkName(network), style: r.style, 'training steps': r.stepsDone, 'forward pass ms': r.milliseconds },
    config: { command: 'style-apply', model: network, modelSha256: '', image, options: { content: image, ...(size ? { size } : {}) } },
    warnings: [],
    stopped: false,
    elapsedMs: r.milliseconds,
    backend: r.backend,
  };
}

/** The training result as the panel shows it: the preview photo through the trained network, the loss curve, the run's numbers. */
export function styleTrainAsSynthesis(r: StyleTrainResult, previewImage: string | undefined, elapsedMs: number): SynthesisResult {
  return {
    method: fastStyleMethod.name,
    pngBase64: r.preview?.pngBase64 ?? '',
    width: r.preview?.width ?? 0,
    height: r.preview?.height ?? 0,
    curve: r.curve,
    details: { network: r.modelFile, 'steps done': r.stepsDone, 'steps asked': r.stepsAsked, ...(r.resumedFrom ? { 'resumed at': r.resumedFrom } : {}), 'training s': r.trainingSeconds },
    config: { command: 'style-train', model: r.modelFile, modelSha256: '', ...(previewImage ? { image: previewImage } : {}), options: previewImage ? { content: previewImage } : {} },
    warnings: r.skipped.map((s) => `skipped ${s}`),
    stopped: r.stopped,
    elapsedMs,
    backend: r.backend,
  };
}

/** Where to look for content photos first: an images folder, then samples/photos, then the workspace itself. */
export const contentDirCandidates = ['images', 'samples/photos', 'photos', 'samples'];
export const defaultTrainSteps = 1000;

/** Parses the steps box: a whole number from 1 to 1,000,000. */
export function parseSteps(text: string): { steps: number } | { error: string } {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) return { error: 'a whole number of steps, 1 to 1000000' };
  return { steps: n };
}

/** Whether a folder is inside one of the workspace folders (or is one). */
export function insideWorkspace(dir: string, roots: readonly string[]): boolean {
  const d = path.resolve(dir);
  return roots.some((r) => {
    const rel = path.relative(path.resolve(r), d);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/** What the chosen output folder holds: nothing (new or empty), a checkpoint to resume (steps done), or other files. */
export function outputFolderState(dir: string): { kind: 'new' } | { kind: 'checkpoint'; stepsDone: number } | { kind: 'notEmpty' } {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return { kind: 'new' };
  }
  if (entries.length === 0) return { kind: 'new' };
  if (!entries.includes('training-state.json')) return { kind: 'notEmpty' };
  try {
    const state = JSON.parse(readFileSync(path.join(dir, 'training-state.json'), 'utf8')) as { step?: unknown };
    return { kind: 'checkpoint', stepsDone: typeof state.step === 'number' ? state.step : 0 };
  } catch {
    return { kind: 'checkpoint', stepsDone: 0 };
  }
}

export interface ContentFolderItem {
  dir: string;
  images: number;
}

/**
 * The folders holding images, as content folder choices: the usual ones (images/, samples/photos…)
 * first in that order, then the others by how many images they hold.
 */
export function contentFolderItems(imageFiles: readonly string[], root: string): ContentFolderItem[] {
  const counts = new Map<string, number>();
  for (const f of imageFiles) counts.set(path.dirname(f), (counts.get(path.dirname(f)) ?? 0) + 1);
  const rank = (dir: string) => {
    const i = contentDirCandidates.indexOf(path.relative(root, dir).split(path.sep).join('/'));
    return i < 0 ? contentDirCandidates.length : i;
  };
  return [...counts.entries()].map(([dir, images]) => ({ dir, images })).sort((a, b) => rank(a.dir) - rank(b.dir) || b.images - a.images || a.dir.localeCompare(b.dir));
}
