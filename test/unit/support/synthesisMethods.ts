// Synthesis method descriptions as the engine sends them in model info (the public part of its
// descriptors), for panel tests that must not depend on the engine's registry.
import type { LayerInfo } from '../../../src/shared/engineProtocol';
import type { SynthesisMethodInfo } from '../../../src/shared/webviewProtocol';

const common = {
  steps: { type: 'int', default: 20, min: 1, max: 4096, cliFlag: 'steps', label: 'Steps', hint: 'optimisation steps' },
  seed: { type: 'int', default: 0, min: 0, cliFlag: 'seed', label: 'Seed', hint: 'random seed' },
} as const;

export const visualizeInfo: SynthesisMethodInfo = {
  name: 'visualize',
  label: 'Visualize',
  hint: 'an image that excites a class or a channel',
  result: 'image',
  needsImage: false,
  options: {
    target: { type: 'int', min: 0, cliFlag: 'target', label: 'Class', hint: 'class index; empty: the channel' },
    layer: { type: 'layer', cliFlag: 'layer', label: 'Layer', hint: 'layer of the channel' },
    channel: { type: 'int', min: 0, cliFlag: 'channel', label: 'Channel', hint: 'channel index' },
    preset: { type: 'choice', default: 'lucid', choices: ['simonyan', 'yosinski-1', 'lucid'], cliFlag: 'preset', label: 'Preset', hint: 'regularisation preset' },
    ...common,
    size: { type: 'int', default: 128, min: 16, max: 1024, cliFlag: 'size', label: 'Size', hint: 'image size' },
  },
};

export const invertInfo: SynthesisMethodInfo = {
  name: 'invert',
  label: 'Invert features',
  hint: 'an image whose features match the input image',
  result: 'image',
  needsImage: true,
  options: {
    layers: { type: 'layers', default: ['conv2'], cliFlag: 'layer', label: 'Layers', hint: 'layers whose features to match' },
    tv: { type: 'number', default: 0.5, min: 0, cliFlag: 'tv', label: 'TV weight', hint: 'total variation' },
    ...common,
  },
};

export const dreamInfo: SynthesisMethodInfo = {
  name: 'dream',
  label: 'DeepDream',
  hint: 'amplify what a layer sees in the image',
  result: 'image',
  needsImage: true,
  options: {
    layers: { type: 'layers', default: ['conv2'], cliFlag: 'layer', label: 'Layers', hint: 'layers to amplify' },
    octaves: { type: 'int', default: 4, min: 1, max: 8, cliFlag: 'octaves', label: 'Octaves', hint: 'scales' },
    octaveScale: { type: 'number', default: 1.4, min: 1, max: 4, cliFlag: 'octave-scale', label: 'Octave scale', hint: 'ratio' },
    ...common,
  },
};

export const synthesisInfos = [visualizeInfo, invertInfo, dreamInfo];

const layer = (name: string, type: string, outputShape: number[], isConv = false): LayerInfo => ({ name, type, outputShape, params: 0, isConv });
export const synthesisLayers: LayerInfo[] = [layer('input', 'InputLayer', [28, 28, 1]), layer('conv1', 'Conv2D', [26, 26, 4], true), layer('bn1', 'BatchNormalization', [26, 26, 4]), layer('mixed', 'Concatenate', [26, 26, 8]), layer('conv2', 'Conv2D', [24, 24, 8], true), layer('dense', 'Dense', [10])];

/** Style transfer as the engine describes it (a subset of its options): a content file, style files with blend weights. */
export const styleInfo: SynthesisMethodInfo = {
  name: 'style',
  label: 'Style transfer',
  hint: 'the content painted in the styles',
  result: 'image',
  needsImage: false,
  options: {
    content: { type: 'file', cliFlag: 'content', label: 'Content image', hint: 'layout to keep' },
    styles: { type: 'files', cliFlag: 'style', label: 'Style images', hint: 'styles to take' },
    styleWeights: { type: 'string', cliFlag: 'style-weight', label: 'Style blend', hint: 'weights of the styles' },
    styleScale: { type: 'number', default: 1, min: 0.05, max: 8, cliFlag: 'style-scale', label: 'Style scale', hint: 'style size' },
    ...common,
  },
};
