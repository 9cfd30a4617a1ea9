import { UserError } from '../errors';
import { withDefaults } from '../methods/descriptor';
import type { LoadedModel } from '../model/loadedModel';
import { visualizationSpec, type VisualizationTarget } from './activationMaximization';
import type { SynthesisDescriptor } from './descriptor';
import { requireSizeFits } from './sizeBudget';
import { presetNames, presets, type PresetName } from './presets';
import { pixelsOf, runRender } from './runRender';

export interface VisualizeOptions {
  /** Bytes one step may use (the CLI's --memory-budget); larger sizes are refused. */
  memoryBudgetBytes?: number;
  /** A class index; absent: visualize `channel` of `layer`. */
  target?: number;
  layer?: string;
  channel?: number;
  preset?: PresetName;
  /** Default: the preset's. */
  steps?: number;
  size?: number;
  seed?: number;
}

function targetOf(model: LoadedModel, o: VisualizeOptions): VisualizationTarget {
  if (o.target !== undefined && o.channel !== undefined) throw new UserError('give either --target (a class) or --layer with --channel, not both');
  if (o.target !== undefined) return { kind: 'class', index: o.target };
  if (o.channel === undefined || o.layer === undefined) throw new UserError(`${model.file}: say what to visualize: --target <class>, or --layer <name> --channel <index>`);
  return { kind: 'channel', layer: o.layer, channel: o.channel };
}

/** Class targets render at the model's input size (the image can be fed back to predict); channels at --size. */
function sizeOf(model: LoadedModel, target: VisualizationTarget, size: number): { height: number; width: number } {
  return target.kind === 'class' ? { height: model.inputShape.height, width: model.inputShape.width } : { height: size, width: size };
}

export const visualizeMethod: SynthesisDescriptor<VisualizeOptions> = {
  name: 'visualize',
  command: 'visualize',
  label: 'Visualize a class or channel',
  hint: 'An image that maximizes a class score or a channel, by gradient ascent with regularizers',
  needsImage: false,
  options: {
    target: { type: 'int', min: 0, cliFlag: 'target', label: 'Class', hint: 'the class whose score to maximize (or give a layer and channel)' },
    layer: { type: 'layer', cliFlag: 'layer', label: 'Layer', hint: 'the layer of the channel to maximize' },
    channel: { type: 'int', min: 0, cliFlag: 'channel', label: 'Channel', hint: 'the channel whose mean to maximize' },
    preset: { type: 'choice', default: 'lucid', choices: presetNames, cliFlag: 'preset', label: 'Preset', hint: 'regularization: simonyan, yosinski-1…4, lucid' },
    steps: { type: 'int', min: 1, max: 10_000, cliFlag: 'steps', label: 'Steps', hint: "optimization steps (default: the preset's)" },
    size: { type: 'int', default: 128, min: 8, max: 1024, cliFlag: 'size', label: 'Size', hint: 'side of a channel visualization in pixels (class images take the model input size)' },
    seed: { type: 'int', default: 0, min: 0, cliFlag: 'seed', label: 'Seed', hint: 'seed of the starting noise and the random transforms' },
  },
  resolve: (o) => ({ ...o, steps: o.steps ?? presets[o.preset ?? 'lucid'].steps }),
  cost: (o, model) => {
    const { preset, size } = withDefaults(visualizeMethod, o, ['preset', 'size']);
    const target = targetOf(model, o);
    const steps = o.steps ?? presets[preset].steps;
    requireSizeFits(model, sizeOf(model, target, size), '--size', o.memoryBudgetBytes);
    return { forwardPasses: steps, backwardPasses: steps, summary: `${steps} steps × (1 forward + 1 backward pass), preset ${preset}` };
  },
  run: async (ctx, o) => {
    const { preset, size, seed } = withDefaults(visualizeMethod, o, ['preset', 'size', 'seed']);
    const target = targetOf(ctx.model, o);
    const steps = o.steps ?? presets[preset].steps;
    const { height, width } = sizeOf(ctx.model, target, size);
    requireSizeFits(ctx.model, { height, width }, '--size', o.memoryBudgetBytes);
    const spec = visualizationSpec(ctx.model, { target, preset: presets[preset], steps, height, width, seed });
    const result = await runRender(spec, ctx, 'visualize');
    const pixels = pixelsOf(result.image);
    const first = result.curve[0];
    const last = result.curve[result.curve.length - 1];
    return {
      image: pixels,
      curve: result.curve,
      details: { preset, steps, stepsDone: result.stepsDone, seed, objectiveStart: first?.total ?? NaN, objectiveEnd: last?.total ?? NaN },
      warnings: result.stopped ? [`stopped after ${result.stepsDone} of ${steps} steps: the image is the one reached so far`] : [],
      stopped: result.stopped,
    };
  },
  result: 'image',
};

