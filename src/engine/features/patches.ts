import { UserError } from '../errors';
import type { LoadedModel } from '../model/loadedModel';
import type { ReceptiveField } from '../model/receptiveField';
import { requireLayers } from '../synthesis/layers';
import type { FeatureCache } from '../dataset/featureCache';
import type { ImageSource, SkippedFile } from '../dataset/imageFolder';
import { folderFeatures, type FeatureRun } from './folderFeatures';

/** A rectangle in pixels: left, top, width, height. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ImagePeak {
  path: string;
  relative: string;
  label: string;
  /** The channel's largest activation in this image, and where (the layer's own grid). */
  value: number;
  row: number;
  col: number;
}

export interface Patch extends ImagePeak {
  /** The receptive field of (row, col) in the model's input pixels, clipped to the input. */
  box: Box;
}

export interface PatchOptions {
  layer: string;
  channel: number;
  top: number;
  memoryBudgetBytes?: number;
}

export interface PatchesResult {
  layer: string;
  channel: number;
  receptiveField: ReceptiveField;
  /** The `top` images with the largest peaks, best first. */
  patches: Patch[];
  /** Every readable image's peak, in the folder's order. */
  images: ImagePeak[];
  skipped: SkippedFile[];
  computed: number;
  cached: number;
  stopped: boolean;
  warnings: string[];
}

/**
 * Maximally activating patches (Girshick et al.; the "max patches" of CS231n lecture 14): each
 * image's peak of one channel and the input region that unit sees. Peaks of every channel of the
 * layer are computed in one pass and cached, so other channels of the same layer cost no model work.
 */
export async function maxActivatingPatches(model: LoadedModel, source: ImageSource, options: PatchOptions, cache: FeatureCache, run: FeatureRun): Promise<PatchesResult> {
  const { field, channels, grid } = spatialLayer(model, options.layer);
  if (!Number.isInteger(options.channel) || options.channel < 0 || options.channel >= channels) {
    throw new UserError(`--channel ${options.channel}: layer '${options.layer}' has channels 0..${channels - 1}`);
  }
  const f = await folderFeatures(model, source, { layer: options.layer, pool: 'peak', memoryBudgetBytes: options.memoryBudgetBytes }, cache, run);
  const c = options.channel;
  const images: ImagePeak[] = f.items.map(({ image, vector }) => {
    const position = vector[channels + c]!;
    return { path: image.path, relative: image.relative, label: image.label, value: vector[c]!, row: Math.floor(position / grid[1]), col: position % grid[1] };
  });
  // Best first; equal values keep the folder's order, so the ranking is reproducible.
  const ranked = images.map((p, i) => ({ p, i })).sort((a, b) => b.p.value - a.p.value || a.i - b.i);
  const patches = ranked.slice(0, options.top).map(({ p }) => ({ ...p, box: receptiveBox(field, p.row, p.col, model.inputShape) }));
  return { layer: options.layer, channel: c, receptiveField: field, patches, images, skipped: f.skipped, computed: f.computed, cached: f.cached, stopped: f.stopped, warnings: f.warnings };
}

/** The layer's receptive field, channel count and grid; a layer without spatial extent is refused. */
function spatialLayer(model: LoadedModel, name: string): { field: ReceptiveField; channels: number; grid: [number, number] } {
  requireLayers(model, [name]);
  const layer = model.layers.find((l) => l.name === name);
  const field = layer?.receptiveField;
  if (!layer || !field || layer.outputShape.length !== 3) throw new UserError(`${model.file}: layer '${name}' has no known receptive field (its output shape is unknown); choose a layer of a layers model`);
  if (field.global) throw new UserError(`${model.file}: layer '${name}' sees the whole image (a global layer): patches need a layer with spatial extent`);
  const [h, w, channels] = layer.outputShape as [number, number, number];
  return { field, channels, grid: [h, w] };
}

/**
 * The input pixels that unit (row, col) sees: centred at start + index·stride on each axis, `size`
 * pixels wide, clipped to the input (fields near the border reach into the padding).
 */
export function receptiveBox(field: ReceptiveField, row: number, col: number, input: { height: number; width: number }): Box {
  const axis = (i: 0 | 1, index: number, limit: number): [number, number] => {
    const centre = field.start[i] + index * field.stride[i];
    const first = Math.ceil(centre - (field.size[i] - 1) / 2 - 1e-9);
    const lo = Math.max(0, first);
    const hi = Math.min(limit, first + field.size[i]);
    return [lo, Math.max(0, hi - lo)];
  };
  const [y, height] = axis(0, row, input.height);
  const [x, width] = axis(1, col, input.width);
  return { x, y, width, height };
}
