import * as tf from '../tf';
import { UserError } from '../errors';
import type { LoadedModel } from '../model/loadedModel';
import { withDefaults } from '../methods/descriptor';
import { layerL2 } from '../objectives';
import type { SynthesisDescriptor } from './descriptor';
import { gradientAscent } from './optimizers';
import { pixelParameterization } from './parameterization';
import type { CurvePoint } from './renderLoop';
import { displayOf } from './imageSpace';
import { pixelsOf, runRender } from './runRender';
import { requireSizeFits } from './sizeBudget';
import { randomRoll } from './transforms';
import { requireLayers } from './layers';

export interface DreamOptions {
  /** Bytes one step may use (the CLI's --memory-budget); larger sizes are refused. */
  memoryBudgetBytes?: number;
  layers?: string[];
  octaves?: number;
  octaveScale?: number;
  steps?: number;
  stepSize?: number;
  jitter?: number;
  seed?: number;
}

/**
 * The layer DeepDream amplifies when none is given: InceptionV3's mixed3 (its 17×17 blocks start
 * there; on photos it grows eyes, arches and fur-like loops that are clearly visible yet still
 * follow the photo, where mixed2 gives mostly strokes and mixed5+ whole dog-like faces that wash
 * the photo out), or for other models the conv layer half-way through the network.
 */
export function defaultDreamLayers(model: LoadedModel): string[] {
  if (model.layers.some((l) => l.name === 'mixed3')) return ['mixed3'];
  const convs = model.layers.filter((l) => l.isConv);
  const middle = convs[Math.floor(convs.length / 2)];
  if (!middle) throw new UserError(`${model.file}: no conv layer to dream with; give --layer`);
  return [middle.name];
}

/** The sizes of the octaves, smallest first, the last the image's own; octaves below 32 px are left out. */
export function octaveSizes(height: number, width: number, octaves: number, scale: number): Array<{ height: number; width: number }> {
  const out: Array<{ height: number; width: number }> = [];
  for (let o = octaves - 1; o >= 0; o--) {
    const f = scale ** -o;
    const size = { height: Math.round(height * f), width: Math.round(width * f) };
    if (o === 0 || Math.min(size.height, size.width) >= 32) out.push(size);
  }
  return out;
}

export const dreamMethod: SynthesisDescriptor<DreamOptions> = {
  name: 'dream',
  command: 'dream',
  label: 'DeepDream',
  hint: 'Amplify what a layer sees in the image (Mordvintsev et al. 2015), octave by octave',
  needsImage: true,
  options: {
    layers: { type: 'layers', cliFlag: 'layer', label: 'Layers', hint: 'layers whose activations (L2) to amplify (default: mixed3 on InceptionV3)' },
    octaves: { type: 'int', default: 4, min: 1, max: 12, cliFlag: 'octaves', label: 'Octaves', hint: 'image scales, from small to the full size' },
    octaveScale: { type: 'number', default: 1.4, min: 1, max: 4, cliFlag: 'octave-scale', label: 'Octave scale', hint: 'size ratio between octaves' },
    steps: { type: 'int', default: 10, min: 1, max: 1000, cliFlag: 'steps', label: 'Steps', hint: 'gradient steps per octave' },
    stepSize: { type: 'number', default: 0.01, min: 0, max: 1, cliFlag: 'step-size', label: 'Step size', hint: 'mean change of a pixel per step (image in [0, 1])' },
    jitter: { type: 'int', default: 32, min: 0, max: 512, cliFlag: 'jitter', label: 'Jitter', hint: 'random circular shift of up to this many pixels per step' },
    seed: { type: 'int', default: 0, min: 0, cliFlag: 'seed', label: 'Seed', hint: 'seed of the jitter' },
  },
  resolve: (o, model) => ({ ...o, layers: o.layers ?? defaultDreamLayers(model) }),
  cost: (o, model) => {
    const { octaves, steps } = withDefaults(dreamMethod, o, ['octaves', 'steps']);
    requireLayers(model, o.layers ?? defaultDreamLayers(model));
    const n = octaves * steps;
    return { forwardPasses: n, backwardPasses: n, summary: `${octaves} octaves × ${steps} steps × (1 forward + 1 backward pass, up to the dream layers)` };
  },
  run: async (ctx, o) => {
    const { octaves, octaveScale, steps, stepSize, jitter, seed } = withDefaults(dreamMethod, o, ['octaves', 'octaveScale', 'steps', 'stepSize', 'jitter', 'seed']);
    const { model } = ctx;
    if (!ctx.image) throw new UserError('dream needs --image');
    const layers = requireLayers(model, o.layers ?? defaultDreamLayers(model));
    const { raw } = ctx.image;
    requireSizeFits(model, { height: raw.height, width: raw.width }, `the image (${ctx.image.file})`, o.memoryBudgetBytes);
    const sizes = octaveSizes(raw.height, raw.width, octaves, octaveScale);
    const total = sizes.length * steps;
    const base = displayOf(model, raw);
    let detail: tf.Tensor4D = tf.zeros([1, sizes[0]!.height, sizes[0]!.width, model.inputShape.channels]);
    let dreamed: tf.Tensor4D | undefined;
    const curve: CurvePoint[] = [];
    let stopped = false;
    try {
      for (let i = 0; i < sizes.length && !stopped; i++) {
        const size = sizes[i]!;
        const baseHere = tf.tidy(() => tf.image.resizeBilinear(base, [size.height, size.width], true) as tf.Tensor4D);
        // Details dreamed at the smaller octave are carried up and added to this octave's photo.
        const init = tf.tidy(() => tf.sub(tf.clipByValue(tf.add(baseHere, tf.image.resizeBilinear(detail, [size.height, size.width], true)), 0, 1), 0.5));
        const spec = {
          model,
          parameterization: pixelParameterization(size.height, size.width, model.inputShape.channels),
          init,
          terms: layers.map((layer) => ({ name: `L2 of ${layer}`, weight: 1 / layers.length, objective: layerL2(layer) })),
          transforms: jitter > 0 ? [randomRoll(jitter)] : [],
          optimizer: gradientAscent(stepSize, 'mean-abs'),
          steps,
          seed: seed + i,
        };
        const result = await runRender(spec, ctx, `dream octave ${i + 1}/${sizes.length}`, { offset: i * steps, total });
        curve.push(...result.curve.map((p) => ({ ...p, step: i * steps + p.step })));
        stopped = result.stopped;
        tf.dispose([detail, dreamed]);
        dreamed = result.image;
        detail = tf.sub(dreamed, baseHere);
        baseHere.dispose();
      }
      // A stop before the last octave still answers at the image's own size.
      const full = tf.tidy(() => tf.clipByValue(tf.add(base, tf.image.resizeBilinear(detail, [raw.height, raw.width], true)), 0, 1) as tf.Tensor4D);
      return {
        image: pixelsOf(full),
        curve,
        details: { layers: layers.join(','), octaves: sizes.length, octaveSizes: sizes.map((s) => s.width), steps, stepsDone: curve.length, seed },
        warnings: stopped ? [`stopped after ${curve.length} of ${total} steps: the image is the dream so far, at full size`] : [],
        stopped,
      };
    } finally {
      tf.dispose([base, detail, ...(dreamed ? [dreamed] : [])]);
    }
  },
  result: 'image',
};
