/// <reference lib="dom" />
// The saliency panel's target row: a class (top, another predicted one, any index) or a neuron
// (layer and channel), with the error of a bad entry shown beside the inputs.
import type { LayerInfo, TargetSpec } from '../../shared/engineProtocol';
import { dropdown, field, h, layerChannels, layerLabel, show, textField } from '../ui';
import { choiceOf, neuronChoice, otherClassChoice, targetChoices, targetOf, type TargetContext } from './targets';

export interface TargetControls {
  row: HTMLElement;
  /** The target the inputs describe, or undefined (and the reason shown beside them). */
  current(): TargetSpec | undefined;
  /** New choices for a new model or image, showing `target` where it still applies. */
  reset(ctx: TargetContext, layers: LayerInfo[], target: TargetSpec | undefined): void;
}

/** `onInput` runs after every edit, once the fields that apply are shown. */
export function targetControls(onInput: () => void): TargetControls {
  let layers: LayerInfo[] = [];
  let numClasses = 0;
  const showFields = () => {
    const choice = picker.value;
    show(classField, choice === otherClassChoice);
    show(layerField, choice === neuronChoice);
    show(channelField, choice === neuronChoice);
  };
  const edited = () => {
    showFields();
    onInput();
  };
  const picker = dropdown<string>([], '', edited, { id: 'target' });
  const classIndex = textField('', edited, { id: 'class-index', placeholder: 'index', size: 6 });
  const neuronLayer = dropdown<string>([], '', edited, { id: 'neuron-layer' });
  const neuronChannel = textField('0', edited, { id: 'neuron-channel', placeholder: 'channel', size: 6 });
  const classField = field('Class index', classIndex);
  const layerField = field('Layer', neuronLayer.element);
  const channelField = field('Channel', neuronChannel);
  const error = h('span', { id: 'target-error', class: 'inline-error' });

  const current = (): TargetSpec | undefined => {
    const layer = layers.find((l) => l.name === neuronLayer.value);
    const r = targetOf(picker.value, { classIndex: classIndex.value, layer: neuronLayer.value, channel: neuronChannel.value, channels: layer && layerChannels(layer) }, numClasses);
    error.textContent = 'error' in r ? r.error : '';
    return 'target' in r ? r.target : undefined;
  };

  const reset = (ctx: TargetContext, modelLayers: LayerInfo[], target: TargetSpec | undefined): void => {
    layers = modelLayers;
    numClasses = ctx.numClasses;
    picker.setChoices(targetChoices(ctx), choiceOf(target, ctx));
    const lastConv = [...layers].reverse().find((l) => l.isConv) ?? layers[layers.length - 1];
    const neuron = target?.kind === 'neuron' ? target : undefined;
    neuronLayer.setChoices(layers.map((l) => ({ value: l.name, label: layerLabel(l) })), neuron?.layer ?? lastConv?.name ?? '');
    neuronChannel.value = String(neuron?.channel ?? 0);
    classIndex.value = target?.kind === 'class' && target.index !== undefined ? String(target.index) : '';
    showFields();
  };

  const row = h('div', { class: 'control-row' }, field('Target', picker.element), classField, layerField, channelField, error);
  return { row, current, reset };
}
