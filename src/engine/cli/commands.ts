import { UserError } from '../errors';
import { COLORMAP_NAMES, type ColormapName } from '../render/colormap';
import { finiteRange } from '../render/normalize';
import type { RawImage } from '../image/rawImage';
import { renderActivationGrid } from '../render/renderActivations';
import { renderFilterGrid, type FilterMode } from '../render/renderFilters';
import { renderMatrix } from '../render/renderMatrix';
import { saliencyOverlay } from '../render/renderSaliency';
import { activations } from '../methods/activations';
import { filters } from '../methods/filters';
import { gram } from '../methods/gram';
import { predict } from '../methods/predict';
import type { AnyMethodDescriptor } from '../methods/descriptor';
import { attributionMethod, attributionMethodNames } from '../methods/catalog';
import type { ProgressFn, Target, TargetSpec } from '../methods/types';
import { choiceFlag, numberFlag, requireFlag, type Flags } from './args';
import { methodOptionsFromFlags } from './methodFlags';
import { formatShape, table } from './output';
import { commandHeader } from './header';
import type { CommandContext, CommandOutput } from './commandTypes';

export type { CommandContext, CommandOutput } from './commandTypes';
import { openImage, type Session } from './session';
import { synthesisMethods } from '../synthesis/catalog';
import { runSynthesisCommand } from './synthesisCommand';
import { folderCommands, folderCommandsWithImages } from './folderCommands';

type Command = (ctx: CommandContext) => Promise<CommandOutput>;

const header = (ctx: CommandContext) => commandHeader(ctx.session);

const info: Command = async (ctx) => {
  const { model, backend } = ctx.session;
  const rf = (l: (typeof model.layers)[number]) => (l.receptiveField && !l.receptiveField.global ? [formatShape(l.receptiveField.size), formatShape(l.receptiveField.stride)] : [l.receptiveField?.global ? 'global' : '', '']);
  const rows = model.layers.map((l) => [l.name, l.type, formatShape(l.outputShape), String(l.params), l.activation ?? '', ...rf(l)]);
  const { height, width, channels } = model.inputShape;
  const total = model.layers.reduce((s, l) => s + l.params, 0);
  const text = [
    `model    ${model.file}`,
    `kind     ${model.kind} model, input ${height}×${width}×${channels}, ${model.numClasses} outputs${model.config.hideClasses ? ' (backbone: classes hidden)' : ''}, ${total} parameters`,
    `backend  ${backend.name} (${backend.package}, tfjs ${backend.tfjsVersion})`,
    ...backend.skipped.map((reason) => `         not used: ${reason}`),
    '',
    table(['layer', 'type', 'output', 'params', 'activation', 'RF size', 'RF stride'], rows),
  ].join('\n');
  return { text, json: { ...header(ctx), kind: model.kind, inputShape: model.inputShape, numClasses: model.numClasses, config: model.config, layers: model.layers } };
};

const predictCommand: Command = async (ctx) => {
  const img = openImage(ctx.session, ctx.flags);
  try {
    const p = await predict(ctx.session.model, img.input, { topK: numberFlag(ctx.flags, 'top', { integer: true, min: 1 }) ?? 5 }, ctx.progress, ctx.signal);
    const rows = p.top.map((t) => [String(t.index), t.label ?? '', t.probability.toFixed(4), t.logit.toFixed(4)]);
    return { text: `${img.file}\n${table(['class', 'label', 'probability', 'logit'], rows)}`, json: { ...header(ctx), image: img.file, logits: p.logits, probabilities: p.probabilities, top: p.top } };
  } finally {
    img.input.dispose();
  }
};

const activationsCommand: Command = async (ctx) => {
  const layer = requireFlag(ctx.flags, 'layer', 'for activations');
  const img = openImage(ctx.session, ctx.flags);
  try {
    const a = await activations(ctx.session.model, img.input, { layer }, ctx.progress, ctx.signal);
    const png = a.activation.shape.length === 4 ? renderActivationGrid(a.activation, colormapFlag(ctx.flags) ?? 'viridis') : undefined;
    return { text: `${layer}: activation ${formatShape(a.activation.shape)}, ${summarize(a.activation.data)}`, json: { ...header(ctx), image: img.file, layer, activation: a.activation }, png };
  } finally {
    img.input.dispose();
  }
};

const gramCommand: Command = async (ctx) => {
  const layer = requireFlag(ctx.flags, 'layer', 'for gram');
  const img = openImage(ctx.session, ctx.flags);
  try {
    const g = await gram(ctx.session.model, img.input, { layer }, ctx.progress, ctx.signal);
    return { text: `${layer}: Gram matrix ${formatShape(g.gram.shape)} (G = F·Fᵀ / (H·W)), ${summarize(g.gram.data)}`, json: { ...header(ctx), image: img.file, layer, gram: g.gram }, png: renderMatrix(g.gram, colormapFlag(ctx.flags) ?? 'viridis') };
  } finally {
    img.input.dispose();
  }
};

const filtersCommand: Command = async (ctx) => {
  const mode = choiceFlag(ctx.flags, 'mode', ['auto', 'rgb', 'mean', 'per-input'] as const) ?? 'auto';
  const f = await filters(ctx.session.model, undefined as never, { layer: ctx.flags.layer }, ctx.progress, ctx.signal);
  const [kh, kw, cin, cout] = f.kernel.shape;
  if (mode === 'rgb' && !f.rgb) throw new UserError(`layer '${f.layer}' does not read an RGB image; use --mode mean or per-input`);
  return { text: `${f.layer}: ${cout} filters of ${kh}×${kw}×${cin}${f.rgb ? ' (RGB)' : ''}, ${summarize(f.kernel.data)}`, json: { ...header(ctx), layer: f.layer, kernel: f.kernel, rgb: f.rgb }, png: renderFilterGrid(f, mode as FilterMode) };
};

const saliencyCommand: Command = async (ctx) => {
  const { flags } = ctx;
  const method = choiceFlag(flags, 'method', attributionMethodNames()) ?? 'vanilla';
  const descriptor = attributionMethod(method);
  const options = saliencyOptions(descriptor, flags);
  const model = ctx.session.model;
  // The cost also checks model-dependent options (an occlusion window larger than the input)
  // before the image is read; a run of many passes says what it will cost before it starts.
  const cost = descriptor.cost(options, model);
  if (cost.forwardPasses > 2) ctx.announce(`${method}: ${cost.summary}`);
  const img = openImage(ctx.session, flags);
  try {
    const r = await descriptor.run({ model, input: img.input, progress: ctx.progress, signal: ctx.signal }, options);
    const details = Object.entries(r.details).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.length}]` : typeof v === 'number' ? +v.toPrecision(6) : v}`).join(' ');
    const text = [`${method} on ${img.file}`, `target   ${describeTarget(r.target, model.config.labels)}`, `map      ${formatShape(r.map.shape)} ${summarize(r.map.data)}`, `details  ${details}`].join('\n');
    const png = saliencyOverlay(img.image, r, { colormap: colormapFlag(flags), opacity: numberFlag(flags, 'opacity', { min: 0, max: 1 }) });
    return { text, json: { ...header(ctx), image: img.file, method, target: r.target, attribution: r.attribution, map: r.map, signedMap: r.signedMap, details: r.details, ...r.extra }, png, warnings: r.warnings ?? [] };
  } finally {
    img.input.dispose();
  }
};

function saliencyOptions(descriptor: AnyMethodDescriptor, flags: Flags): Record<string, unknown> {
  const channel = numberFlag(flags, 'channel', { integer: true, min: 0 });
  const targetIndex = numberFlag(flags, 'target', { integer: true, min: 0 });
  if (channel !== undefined && targetIndex !== undefined) throw new UserError('give either --target (a class) or --layer with --channel (a neuron), not both');
  let target: TargetSpec = { kind: 'class', index: targetIndex };
  if (channel !== undefined) target = { kind: 'neuron', layer: requireFlag(flags, 'layer', 'with --channel (the neuron is the mean of that channel of that layer)'), channel };
  const budget = numberFlag(flags, 'memory-budget', { min: 1 });
  return { target, memoryBudgetBytes: budget === undefined ? undefined : budget * 1024 * 1024, ...methodOptionsFromFlags(descriptor, flags, channel !== undefined) };
}

function describeTarget(t: Target, labels?: string[]): string {
  if (t.kind === 'neuron') return `neuron: mean of channel ${t.channel} of layer '${t.layer}'`;
  const label = t.label ?? labels?.[t.index];
  return `class ${t.index}${label !== undefined ? ` (${label})` : ''}`;
}

function colormapFlag(flags: Flags): ColormapName | undefined {
  return choiceFlag(flags, 'colormap', COLORMAP_NAMES);
}

function summarize(data: Float32Array): string {
  const [min, max] = finiteRange(data) ?? [NaN, NaN];
  return `min ${+min.toPrecision(4)} max ${+max.toPrecision(4)}`;
}

const synthesisCommands = Object.fromEntries(synthesisMethods().map((d) => [d.command, (ctx: CommandContext) => runSynthesisCommand(d, ctx)]));

/** Commands whose result has a picture for --out. */
export const commandsWithImages = new Set(['activations', 'filters', 'gram', 'saliency', ...Object.keys(synthesisCommands), ...folderCommandsWithImages]);

export const commands: Record<string, Command> = { info, predict: predictCommand, activations: activationsCommand, filters: filtersCommand, gram: gramCommand, saliency: saliencyCommand, ...synthesisCommands, ...folderCommands };
