import * as tf from '../tf';
import { UserError } from '../errors';
import { decodeImageFile } from '../image/decodeImage';
import { withDefaults } from '../methods/descriptor';
import type { LoadedModel } from '../model/loadedModel';
import { layerL2 } from '../objectives';
import type { SynthesisDescriptor } from './descriptor';
import { requireLayers } from './layers';
import { lbfgs } from './lbfgs';
import { adam } from './optimizers';
import { initialPixels, pixelParameterization } from './parameterization';
import { totalVariation } from './regularizers';
import type { CurvePoint, ObjectiveTerm, PenaltyTerm } from './renderLoop';
import { pixelsOf, runRender } from './runRender';
import { requireSizeFits } from './sizeBudget';
import { contentTerm, gramTargets, gramTerms, type Smoothing } from './styleLoss';
import { displayOf } from './imageSpace';
import { defaultTextureLayers } from './texture';

export interface StyleOptions {
  content?: string;
  styles?: string[];
  /** Comma-separated blend weights, one per style image (default equal). */
  styleWeights?: string;
  styleScale?: number;
  contentLayer?: string;
  styleLayers?: string[];
  contentWeight?: number;
  styleWeightTotal?: number;
  tvWeight?: number;
  init?: 'content' | 'noise';
  dreamLayer?: string;
  dreamWeight?: number;
  smoothing?: Smoothing;
  steps?: number;
  size?: number;
  seed?: number;
  learningRate?: number;
  optimizer?: 'adam' | 'lbfgs';
  memoryBudgetBytes?: number;
}

/** The content layer when none is given: InceptionV3's mixed3; elsewhere the conv layer two thirds in. */
export function defaultContentLayer(model: LoadedModel): string {
  if (model.layers.some((l) => l.name === 'mixed3')) return 'mixed3';
  const convs = model.layers.filter((l) => l.isConv && l.outputShape.length === 3);
  const pick = convs[Math.floor((convs.length * 2) / 3)];
  if (!pick) throw new UserError(`${model.file}: no conv layer for the content loss; give --content-layer`);
  return pick.name;
}

/** Blend weights of the style images, normalized to sum 1. */
export function styleBlend(count: number, text: string | undefined): number[] {
  const raw = text === undefined ? new Array<number>(count).fill(1) : text.split(',').map((s) => Number(s.trim()));
  if (raw.length !== count || raw.some((w) => !Number.isFinite(w) || w < 0) || raw.every((w) => w === 0)) throw new UserError(`--style-weight must be ${count} non-negative numbers, not all 0 (one per --style, comma-separated); got '${text}'`);
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / sum);
}

/** A style image resized so that its longer side is `scale` × the content's longer side. */
export function styleDisplay(model: LoadedModel, file: string, contentSide: number, scale: number): tf.Tensor4D {
  return displayOf(model, decodeImageFile(file), Math.max(8, Math.round(contentSide * scale)), true);
}

export const styleMethod: SynthesisDescriptor<StyleOptions> = {
  name: 'style',
  command: 'style',
  label: 'Style transfer',
  hint: "The content image painted in the style images' Gram statistics (Gatys et al. 2016)",
  needsImage: false,
  usesFeatureNetwork: true,
  options: {
    content: { type: 'file', cliFlag: 'content', label: 'Content image', hint: 'the image whose layout to keep' },
    styles: { type: 'files', cliFlag: 'style', label: 'Style images', hint: 'one or more images whose style to take (repeat --style to blend)' },
    styleWeights: { type: 'string', cliFlag: 'style-weight', label: 'Style blend', hint: 'comma-separated weights of the style images (default equal)' },
    styleScale: { type: 'number', default: 1, min: 0.05, max: 8, cliFlag: 'style-scale', label: 'Style scale', hint: "the style image's size relative to the content before its Grams are taken (larger: larger strokes)" },
    contentLayer: { type: 'layer', cliFlag: 'content-layer', label: 'Content layer', hint: 'layer of the content loss (default mixed3 on InceptionV3)' },
    styleLayers: { type: 'layers', cliFlag: 'style-layer', label: 'Style layers', hint: 'layers of the Gram losses (default: the texture ladder)' },
    contentWeight: { type: 'number', default: 1, min: 0, cliFlag: 'content-weight', label: 'Content weight α', hint: 'weight of the relative content loss' },
    styleWeightTotal: { type: 'number', default: 100, min: 0, cliFlag: 'style-weight-total', label: 'Style weight β', hint: 'weight of the relative style loss (averaged over layers)' },
    tvWeight: { type: 'number', default: 1, min: 0, cliFlag: 'tv-weight', label: 'TV weight γ', hint: 'weight of total variation (β = 2)' },
    init: { type: 'choice', default: 'content', choices: ['content', 'noise'], cliFlag: 'init', label: 'Start from', hint: 'the content image or noise' },
    dreamLayer: { type: 'layer', cliFlag: 'dream-layer', label: 'Dream layer', hint: 'a layer whose L2 to add, DeepDream-like (optional)' },
    dreamWeight: { type: 'number', default: 0, min: 0, cliFlag: 'dream-weight', label: 'Dream weight δ', hint: 'weight of the dream term' },
    smoothing: { type: 'choice', default: 'softmax', choices: ['none', 'softmax'], cliFlag: 'smoothing', label: 'Smoothing', hint: 'softmax over channels before Grams and content (Wang et al. 2021): better style on non-VGG networks' },
    steps: { type: 'int', default: 300, min: 1, max: 10_000, cliFlag: 'steps', label: 'Steps', hint: 'forward + backward evaluations (an Adam step is one; an L-BFGS iteration one or more)' },
    size: { type: 'int', default: 256, min: 16, max: 2048, cliFlag: 'size', label: 'Size', hint: "the content image's longer side" },
    seed: { type: 'int', default: 0, min: 0, cliFlag: 'seed', label: 'Seed', hint: 'seed of the noise start and the jitter' },
    learningRate: { type: 'number', default: 0.02, min: 0, max: 1, cliFlag: 'learning-rate', label: 'Learning rate', hint: 'Adam step size (image in [0, 1]); L-BFGS: the largest pixel change of its first step' },
    // L-BFGS by default: on InceptionV3 at 256² (chelsea × scream, bench/optimizerBench.ts) its total loss is 0.90× Adam's after 60 evaluations and 0.70× after 150.
    optimizer: { type: 'choice', default: 'lbfgs', choices: ['lbfgs', 'adam'], cliFlag: 'optimizer', label: 'Optimizer', hint: 'L-BFGS with a strong-Wolfe line search (every trial point counts as a step), or Adam' },
  },
  resolve: (o, model) => ({ ...o, contentLayer: o.contentLayer ?? defaultContentLayer(model), styleLayers: o.styleLayers ?? defaultTextureLayers(model) }),
  cost: (o, model) => {
    const { steps } = withDefaults(styleMethod, o, ['steps']);
    if (!o.content) throw new UserError('style needs --content <image>');
    if (!o.styles?.length) throw new UserError('style needs at least one --style <image>');
    styleBlend(o.styles.length, o.styleWeights);
    requireLayers(model, [o.contentLayer ?? defaultContentLayer(model), ...(o.styleLayers ?? defaultTextureLayers(model)), ...(o.dreamLayer ? [o.dreamLayer] : [])]);
    return { forwardPasses: steps + 1 + o.styles.length, backwardPasses: steps, summary: `${steps} ${o.optimizer === 'lbfgs' ? 'L-BFGS evaluations' : 'steps'} × (1 forward + 1 backward pass), ${o.styles.length} style image${o.styles.length === 1 ? '' : 's'}` };
  },
  run: async (ctx, o) => {
    const { styleScale, contentWeight, styleWeightTotal, tvWeight, init, dreamWeight, smoothing, steps, size, seed, learningRate, optimizer } = withDefaults(styleMethod, o, ['styleScale', 'contentWeight', 'styleWeightTotal', 'tvWeight', 'init', 'dreamWeight', 'smoothing', 'steps', 'size', 'seed', 'learningRate', 'optimizer']);
    const { model } = ctx;
    styleMethod.cost(o, model);
    const contentLayer = o.contentLayer ?? defaultContentLayer(model);
    const styleLayers = requireLayers(model, o.styleLayers ?? defaultTextureLayers(model));
    const styles = o.styles!;
    const blend = styleBlend(styles.length, o.styleWeights);
    const content = displayOf(model, decodeImageFile(o.content!), size, true);
    const [, height, width, channels] = content.shape;
    requireSizeFits(model, { height, width }, '--size', o.memoryBudgetBytes);
    const owned: tf.Tensor[] = [content];
    try {
      const terms: ObjectiveTerm[] = [];
      const { term, target } = contentTerm(model, content, contentLayer, smoothing, contentWeight);
      owned.push(target);
      terms.push(term);
      const perLayer = new Map(styleLayers.map((l) => [l, 1 / styleLayers.length]));
      for (const [i, file] of styles.entries()) {
        if (blend[i] === 0) continue;
        const image = styleDisplay(model, file, Math.max(height, width), styleScale);
        const grams = gramTargets(model, image, styleLayers, smoothing);
        image.dispose();
        owned.push(...grams.values());
        const prefix = styles.length === 1 ? 'style loss' : `style ${i + 1} loss`;
        for (const t of gramTerms(grams, perLayer, smoothing, prefix)) terms.push({ ...t, weight: t.weight * styleWeightTotal * blend[i]! });
      }
      if (o.dreamLayer && dreamWeight > 0) terms.push({ name: `dream L2 ${o.dreamLayer}`, weight: dreamWeight, objective: layerL2(o.dreamLayer) });
      const penalties: PenaltyTerm[] = tvWeight > 0 ? [{ name: 'total variation', weight: tvWeight, penalty: (x) => totalVariation(x, 2) }] : [];
      const start = init === 'content' ? tf.tidy(() => tf.sub(content, 0.5) as tf.Tensor4D) : initialPixels(height, width, channels, seed, 0.1);
      const spec = {
        model,
        parameterization: pixelParameterization(height, width, model.inputShape.channels),
        init: start,
        terms,
        penalties,
        // No jitter: the content loss compares feature maps position by position.
        optimizer: optimizer === 'lbfgs' ? lbfgs({ firstStep: learningRate }) : adam(learningRate),
        steps,
        seed,
      };
      const result = await runRender(spec, ctx, 'style');
      const pixels = pixelsOf(result.image);
      const losses = (p: CurvePoint | undefined) => ({ content: p?.terms[term.name] ?? NaN, style: styleLoss(p, styles.length, blend, styleLayers) });
      const first = losses(result.curve[0]);
      const last = losses(result.curve[result.curve.length - 1]);
      return {
        image: pixels,
        curve: result.curve,
        details: { contentLayer, styleLayers: styleLayers.join(','), size: `${width}x${height}`, optimizer, steps, stepsDone: result.stepsDone, smoothing, contentLossStart: first.content, contentLossEnd: last.content, styleLossStart: first.style, styleLossEnd: last.style },
        warnings: result.stopped ? [`stopped after ${result.stepsDone} of ${steps} steps: the image is the one reached so far`] : [],
        stopped: result.stopped,
      };
    } finally {
      tf.dispose(owned);
    }
  },
  result: 'image',
};

/** The blended style loss of a curve point: Σ_i blend_i · mean over layers of the relative Gram loss. */
function styleLoss(p: CurvePoint | undefined, count: number, blend: number[], layers: string[]): number {
  if (!p) return NaN;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    if (blend[i] === 0) continue;
    const prefix = count === 1 ? 'style loss' : `style ${i + 1} loss`;
    sum += (blend[i]! * layers.reduce((s, l) => s + (p.terms[`${prefix} ${l}`] ?? 0), 0)) / layers.length;
  }
  return sum;
}
