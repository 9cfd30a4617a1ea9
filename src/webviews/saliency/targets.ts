// The saliency panel's target picker, as data (pure: unit-tested without a browser). A choice is
// a dropdown value: 'class:<i>' for a predicted class, 'class:top' for the top class when the model
// hides its labels, 'class:other' for a class typed by index, 'neuron' for a layer's channel.
import type { ClassScore, SaliencyResult, TargetSpec } from '../../shared/engineProtocol';
import { formatPercent } from '../ui/format';

export const topChoice = 'class:top';
export const otherClassChoice = 'class:other';
export const neuronChoice = 'neuron';

export interface TargetChoice {
  value: string;
  label: string;
  title?: string;
}

export interface TargetContext {
  predictions: ClassScore[];
  hideClasses: boolean;
  numClasses: number;
  /** Whether there are layers to pick a neuron from. */
  hasLayers: boolean;
}

export function className(index: number, label?: string): string {
  return label === undefined ? `class ${index}` : `class ${index} · ${label}`;
}

/** The dropdown entries: the top predictions (or, labels hidden, the top class by index only), any class by index, a neuron. */
export function targetChoices(ctx: TargetContext): TargetChoice[] {
  const choices: TargetChoice[] =
    ctx.hideClasses || ctx.predictions.length === 0
      ? [{ value: topChoice, label: ctx.hideClasses ? 'Top class (labels hidden)' : 'Top class', title: 'The class the model scores highest for this image' }]
      : ctx.predictions.map((p) => ({ value: `class:${p.index}`, label: `${className(p.index, p.label)} — ${formatPercent(p.probability)}`, title: `logit ${p.logit}` }));
  if (ctx.numClasses > 1) choices.push({ value: otherClassChoice, label: ctx.hideClasses ? 'Class by index…' : 'Other class by index…' });
  if (ctx.hasLayers) choices.push({ value: neuronChoice, label: 'Neuron: a layer’s channel…', title: 'Explain the mean activation of one channel' });
  return choices;
}

/** The dropdown entry that shows a stored target. */
export function choiceOf(target: TargetSpec | undefined, ctx: TargetContext): string {
  const choices = targetChoices(ctx);
  if (target?.kind === 'neuron') return ctx.hasLayers ? neuronChoice : choices[0]!.value;
  if (target?.index === undefined) return choices[0]!.value;
  const listed = `class:${target.index}`;
  if (choices.some((c) => c.value === listed)) return listed;
  return ctx.numClasses > 1 ? otherClassChoice : choices[0]!.value;
}

export interface TargetInputs {
  /** Text of the class index field (for otherClassChoice). */
  classIndex: string;
  /** Neuron layer and channel text (for neuronChoice). */
  layer: string;
  channel: string;
  /** Channels of that layer, when known. */
  channels?: number;
}

/** The engine target for a dropdown entry and the fields next to it, or why the input is wrong. */
export function targetOf(choice: string, inputs: TargetInputs, numClasses: number): { target: TargetSpec } | { error: string } {
  if (choice === topChoice) return { target: { kind: 'class' } };
  if (choice === otherClassChoice) {
    const i = parseIndex(inputs.classIndex);
    if (i === undefined || i >= numClasses) return { error: `Class index must be a whole number from 0 to ${numClasses - 1}.` };
    return { target: { kind: 'class', index: i } };
  }
  if (choice === neuronChoice) {
    if (!inputs.layer) return { error: 'Choose a layer for the neuron.' };
    const c = parseIndex(inputs.channel);
    if (c === undefined || (inputs.channels !== undefined && c >= inputs.channels)) {
      return { error: inputs.channels !== undefined ? `Channel must be a whole number from 0 to ${inputs.channels - 1}.` : 'Channel must be a whole number (0 or more).' };
    }
    return { target: { kind: 'neuron', layer: inputs.layer, channel: c } };
  }
  const m = /^class:(\d+)$/.exec(choice);
  if (m) return { target: { kind: 'class', index: Number(m[1]) } };
  return { error: `Unknown target '${choice}'.` };
}

function parseIndex(text: string): number | undefined {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : undefined;
}

/** How a target reads above the results: "class 3 · tabby cat", "neuron conv2 · channel 5", "top class". */
export function describeTarget(target: TargetSpec | SaliencyResult['target'], hideClasses: boolean): string {
  if (target.kind === 'neuron') return `neuron ${target.layer} · channel ${target.channel}`;
  if (target.index === undefined) return 'top class';
  const label = hideClasses ? undefined : 'label' in target ? target.label : undefined;
  return className(target.index, label);
}

export function sameTarget(a: TargetSpec | undefined, b: TargetSpec | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind === 'neuron') return b.kind === 'neuron' && a.layer === b.layer && a.channel === b.channel;
  return b.kind === 'class' && a.index === b.index;
}
