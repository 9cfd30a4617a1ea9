import * as tf from '../tf';
import { UserError } from '../errors';
import { withDefaults } from '../methods/descriptor';
import type { LoadedModel } from '../model/loadedModel';
import type { SynthesisDescriptor } from './descriptor';
import { requireLayers } from './layers';
import { adam } from './optimizers';
import { initialPixels, pixelParameterization } from './parameterization';
import { displayOf } from './imageSpace';
import { pixelsOf, runRender } from './runRender';
import { requireSizeFits } from './sizeBudget';
import { gramTargets, gramTerms, type Smoothing } from './styleLoss';
import { jitter } from './transforms';

export interface TextureOptions {
  layers?: string[];
  /** Comma-separated, one per layer (default all 1). */
  layerWeights?: string;
  /** "S" or "WxH". */
  size?: string;
  steps?: number;
  seed?: number;
  smoothing?: Smoothing;
  learningRate?: number;
  memoryBudgetBytes?: number;
}

/**
 * Gatys et al. 2015 match Grams from the first layer to deep ones (VGG conv1_1 … conv5_1); on
 * InceptionV3 the same ladder is the ReLU outputs of the stem and the first mixed blocks. Other
 * models: five conv layers spread over the first two thirds of the network.
 */
export function defaultTextureLayers(model: LoadedModel): string[] {
  const inception = ['activation_1', 'activation_3', 'activation_5', 'mixed0', 'mixed2'];
  if (inception.every((n) => model.layers.some((l) => l.name === n))) return inception;
  const convs = model.layers.filter((l) => l.isConv && l.outputShape.length === 3);
  if (convs.length === 0) throw new UserError(`${model.file}: no conv layer to match Grams at; give --layer`);
  const reach = Math.max(1, Math.ceil((convs.length * 2) / 3));
  const picks = [...new Set(Array.from({ length: 5 }, (_, i) => Math.min(reach - 1, Math.round((i * (reach - 1)) / 4))))];
  return picks.map((i) => convs[i]!.name);
}

/** "256" → 256×256, "384x256" → width 384, height 256. */
export function parseSize(text: string): { width: number; height: number } {
  const m = /^\s*(\d+)\s*(?:[x×]\s*(\d+))?\s*$/i.exec(text);
  const width = m ? Number(m[1]) : NaN;
  const height = m ? Number(m[2] ?? m[1]) : NaN;
  if (!(width >= 8 && height >= 8 && width <= 2048 && height <= 2048)) throw new UserError(`--size must be S or WxH with sides from 8 to 2048; got '${text}'`);
  return { width, height };
}

/** Weights by layer from "w1,w2,…" (one per layer, or one for all); all 1 when absent. */
export function parseLayerWeights(layers: readonly string[], text: string | undefined): Map<string, number> {
  const values = text === undefined ? layers.map(() => 1) : text.split(',').map((s) => Number(s.trim()));
  const all = values.length === 1 ? layers.map(() => values[0]!) : values;
  if (all.length !== layers.length || all.some((w) => !Number.isFinite(w) || w < 0)) throw new UserError(`--layer-weight must be ${layers.length} non-negative numbers (one per --layer, comma-separated) or one for all; got '${text}'`);
  return new Map(layers.map((l, i) => [l, all[i]!]));
}

export const textureMethod: SynthesisDescriptor<TextureOptions> = {
  name: 'texture',
  command: 'texture',
  label: 'Texture synthesis',
  hint: "A new image with the texture's Gram matrices at the chosen layers (Gatys et al. 2015), from noise",
  needsImage: true,
  options: {
    layers: { type: 'layers', cliFlag: 'layer', label: 'Layers', hint: 'layers whose Gram matrices to match (default: a ladder from the first layer to mixed2 on InceptionV3)' },
    layerWeights: { type: 'string', cliFlag: 'layer-weight', label: 'Layer weights', hint: 'comma-separated weights, one per layer (default all 1)' },
    size: { type: 'string', default: '256', cliFlag: 'size', label: 'Size', hint: 'output size: S or WxH, independent of the texture image' },
    steps: { type: 'int', default: 300, min: 1, max: 10_000, cliFlag: 'steps', label: 'Steps', hint: 'Adam steps' },
    seed: { type: 'int', default: 0, min: 0, cliFlag: 'seed', label: 'Seed', hint: 'seed of the starting noise and the jitter' },
    smoothing: { type: 'choice', default: 'none', choices: ['none', 'softmax'], cliFlag: 'smoothing', label: 'Smoothing', hint: 'softmax over each channel before the Gram (Wang et al. 2021)' },
    learningRate: { type: 'number', default: 0.02, min: 0, max: 1, cliFlag: 'learning-rate', label: 'Learning rate', hint: 'Adam step size (image in [0, 1])' },
  },
  resolve: (o, model) => ({ ...o, layers: o.layers ?? defaultTextureLayers(model) }),
  cost: (o, model) => {
    const { steps, size } = withDefaults(textureMethod, o, ['steps', 'size']);
    const layers = requireLayers(model, o.layers ?? defaultTextureLayers(model));
    parseLayerWeights(layers, o.layerWeights);
    requireSizeFits(model, parseSize(size), '--size', o.memoryBudgetBytes);
    return { forwardPasses: steps + 1, backwardPasses: steps, summary: `${steps} steps × (1 forward + 1 backward pass), Grams at ${layers.length} layers` };
  },
  run: async (ctx, o) => {
    const { steps, size, seed, smoothing, learningRate } = withDefaults(textureMethod, o, ['steps', 'size', 'seed', 'smoothing', 'learningRate']);
    const { model } = ctx;
    if (!ctx.image) throw new UserError('texture needs --image');
    const layers = requireLayers(model, o.layers ?? defaultTextureLayers(model));
    const weights = parseLayerWeights(layers, o.layerWeights);
    const { width, height } = parseSize(size);
    requireSizeFits(model, { width, height }, '--size', o.memoryBudgetBytes);
    // Grams are means over positions: a texture past 512 px adds cost, not statistics.
    const source = displayOf(model, ctx.image.raw, 512);
    const targets = gramTargets(model, source, layers, smoothing);
    source.dispose();
    try {
      const channels = model.inputShape.channels;
      const spec = {
        model,
        // Pixels, as Gatys et al.: on the coffee photo at 128² they reach Gram losses 2–3× lower
        // than the Fourier parameterization in 150 steps, and look like the texture, not a blur of it.
        parameterization: pixelParameterization(height, width, channels),
        init: initialPixels(height, width, channels, seed, 0.1),
        terms: gramTerms(targets, weights, smoothing),
        // A little jitter (a random crop a few pixels smaller, no padding: padding would add a grey
        // the texture may not have) keeps it free of the grid artifacts of strided layers.
        transforms: [jitter(Math.max(1, Math.round(Math.min(width, height) / 32)))],
        optimizer: adam(learningRate),
        steps,
        seed,
      };
      const result = await runRender(spec, ctx, 'texture');
      const pixels = pixelsOf(result.image);
      const first = result.curve[0];
      const last = result.curve[result.curve.length - 1];
      const perLayer = layers.map((layer) => ({ layer, weight: weights.get(layer)!, gramLossStart: first?.terms[`Gram loss ${layer}`] ?? NaN, gramLossEnd: last?.terms[`Gram loss ${layer}`] ?? NaN }));
      return {
        image: pixels,
        curve: result.curve,
        details: { layers: layers.join(','), size: `${width}x${height}`, steps, stepsDone: result.stepsDone, seed, smoothing, gramLossStart: perLayer.map((p) => p.gramLossStart), gramLossEnd: perLayer.map((p) => p.gramLossEnd) },
        extra: { perLayer },
        warnings: result.stopped ? [`stopped after ${result.stepsDone} of ${steps} steps: the texture is the one reached so far`] : [],
        stopped: result.stopped,
      };
    } finally {
      tf.dispose([...targets.values()]);
    }
  },
  result: 'image',
};
