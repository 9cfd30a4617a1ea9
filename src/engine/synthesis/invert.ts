import * as tf from '../tf';
import { UserError } from '../errors';
import { imageToInput } from '../image/prepareInput';
import type { RawImage } from '../image/rawImage';
import { withDefaults } from '../methods/descriptor';
import type { LoadedModel } from '../model/loadedModel';
import { featureDistance } from '../objectives';
import { tileGrid } from '../render/grid';
import type { SynthesisDescriptor } from './descriptor';
import { toModelInput } from './imageSpace';
import { requireLayers } from './layers';
import { adam } from './optimizers';
import { initialPixels, pixelParameterization } from './parameterization';
import { totalVariation } from './regularizers';
import type { CurvePoint } from './renderLoop';
import { pixelsOf, runRender } from './runRender';
import { requireSizeFits } from './sizeBudget';

export interface InvertOptions {
  /** Bytes one step may use (the CLI's --memory-budget); larger sizes are refused. */
  memoryBudgetBytes?: number;
  layers?: string[];
  tv?: number;
  steps?: number;
  size?: number;
  seed?: number;
  learningRate?: number;
}

/** The photo at size × size as the model reads it, and its features at `layer`. */
function targetFeatures(model: LoadedModel, raw: RawImage, size: number, layer: string): tf.Tensor {
  return tf.tidy(() => {
    const x = imageToInput(raw, { height: size, width: size, channels: model.inputShape.channels }, model.config.preprocessing);
    return model.forward(x, { capture: [layer], stopAtCaptured: true }).captured.get(layer)!;
  });
}

/** ‖φ(x̂) − φ₀‖ / ‖φ₀‖ for a display image x̂. */
function relativeError(model: LoadedModel, image: tf.Tensor4D, layer: string, target: tf.Tensor): number {
  return tf.tidy(() => {
    const phi = model.forward(toModelInput(image, model.config.preprocessing), { capture: [layer], stopAtCaptured: true }).captured.get(layer)!;
    return Math.sqrt(tf.sum(tf.squaredDifference(phi, target)).dataSync()[0]! / Math.max(tf.sum(tf.square(target)).dataSync()[0]!, 1e-30));
  });
}

export const invertMethod: SynthesisDescriptor<InvertOptions> = {
  name: 'invert',
  command: 'invert',
  label: 'Invert features',
  hint: "An image whose features at a layer match the photo's (Mahendran & Vedaldi 2015), from noise",
  needsImage: true,
  options: {
    layers: { type: 'layers', cliFlag: 'layer', label: 'Layers', hint: 'one reconstruction per layer, side by side' },
    tv: { type: 'number', default: 0.5, min: 0, cliFlag: 'tv', label: 'TV weight', hint: 'weight of total variation (β = 2) against the relative feature error' },
    steps: { type: 'int', default: 200, min: 1, max: 10_000, cliFlag: 'steps', label: 'Steps', hint: 'Adam steps per layer' },
    size: { type: 'int', default: 128, min: 8, max: 1024, cliFlag: 'size', label: 'Size', hint: 'side of the reconstruction (the photo is resized to it)' },
    seed: { type: 'int', default: 0, min: 0, cliFlag: 'seed', label: 'Seed', hint: 'seed of the starting noise' },
    learningRate: { type: 'number', default: 0.05, min: 0, max: 1, cliFlag: 'learning-rate', label: 'Learning rate', hint: 'Adam step size (image in [0, 1])' },
  },
  cost: (o, model) => {
    const { steps, size } = withDefaults(invertMethod, o, ['steps', 'size']);
    const layers = requireLayers(model, o.layers ?? []);
    requireSizeFits(model, { height: size, width: size }, '--size', o.memoryBudgetBytes);
    const n = steps * layers.length;
    return { forwardPasses: n + 2 * layers.length, backwardPasses: n, summary: `${layers.length} layer${layers.length === 1 ? '' : 's'} × ${steps} steps × (1 forward + 1 backward pass)` };
  },
  run: async (ctx, o) => {
    const { tv, steps, size, seed, learningRate } = withDefaults(invertMethod, o, ['tv', 'steps', 'size', 'seed', 'learningRate']);
    const { model } = ctx;
    if (!ctx.image) throw new UserError('invert needs --image');
    const layers = requireLayers(model, o.layers ?? []);
    requireSizeFits(model, { height: size, width: size }, '--size', o.memoryBudgetBytes);
    const tiles: RawImage[] = [];
    const curve: CurvePoint[] = [];
    const perLayer: Array<{ layer: string; relativeErrorStart: number; relativeErrorEnd: number }> = [];
    let stopped = false;
    for (let i = 0; i < layers.length && !stopped; i++) {
      const layer = layers[i]!;
      const target = targetFeatures(model, ctx.image.raw, size, layer);
      try {
        // Weighted so the term is the relative squared error ‖φ(x̂) − φ₀‖² / ‖φ₀‖² (featureDistance is a mean).
        const scale = tf.tidy(() => tf.mean(tf.square(target)).dataSync()[0]!);
        const channels = model.inputShape.channels;
        const init = initialPixels(size, size, channels, seed, 0.1);
        const startError = tf.tidy(() => relativeError(model, tf.add(init, 0.5) as tf.Tensor4D, layer, target));
        const spec = {
          model,
          parameterization: pixelParameterization(size, size, channels),
          init,
          terms: [{ name: `feature error² at ${layer}`, weight: -1 / Math.max(scale, 1e-30), objective: featureDistance(layer, target) }],
          penalties: tv > 0 ? [{ name: 'total variation', weight: tv, penalty: (x: tf.Tensor4D) => totalVariation(x, 2) }] : [],
          optimizer: adam(learningRate),
          steps,
          seed,
        };
        const result = await runRender(spec, ctx, `invert ${layer}`, { offset: i * steps, total: layers.length * steps });
        perLayer.push({ layer, relativeErrorStart: startError, relativeErrorEnd: relativeError(model, result.image, layer, target) });
        const pixels = pixelsOf(result.image);
        curve.push(...result.curve.map((p) => ({ ...p, step: i * steps + p.step })));
        tiles.push(pixels);
        stopped = result.stopped;
      } finally {
        target.dispose();
      }
    }
    const done = tiles.length;
    return {
      image: tiles.length === 1 ? tiles[0]! : tileGrid(tiles, { columns: tiles.length }),
      curve,
      details: { layers: layers.slice(0, done).join(','), steps, size, tv, seed, relativeErrorStart: perLayer.map((p) => p.relativeErrorStart), relativeErrorEnd: perLayer.map((p) => p.relativeErrorEnd) },
      extra: { perLayer },
      warnings: stopped ? [`stopped during layer ${layers[done - 1]}: its reconstruction is the one reached so far${done < layers.length ? `; ${layers.slice(done).join(', ')} not run` : ''}`] : [],
      stopped,
    };
  },
  result: 'image',
};
