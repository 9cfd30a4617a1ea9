import type { AscentNormalization } from './optimizers';
import { jitter, pad, randomRotate, randomScale, type Transform } from './transforms';

/**
 * Hyper-parameter settings of activation maximization, by name. Pixel units: the display image in
 * [0, 1] (Yosinski et al. worked in mean-subtracted 0..255; their decay and percentiles carry over
 * unchanged, blur widths are in pixels, and their learning rates are converted or made scale-free).
 */
export interface Preset {
  name: PresetName;
  description: string;
  parameterization: 'pixels' | 'fourier';
  optimizer: { kind: 'adam'; learningRate: number } | { kind: 'ascent'; learningRate: number; normalize: AscentNormalization; maxRate?: number };
  steps: number;
  /** Weight of the L2 penalty (distance from grey), of total variation (β = 2). */
  l2?: number;
  tv?: number;
  /** Yosinski et al.'s regularizers: decay θ, blur σ every k steps, clip percentiles. */
  decay?: number;
  blurEvery?: number;
  blurWidth?: number;
  normPercentile?: number;
  contributionPercentile?: number;
  /** Transformation robustness, scaled to the image size (Lucid's are for 128–224 px). */
  transforms: (size: number) => Transform[];
  /** Standard deviation of the starting noise (pixels; Fourier starts from Lucid's 0.01 spectrum). */
  initSd: number;
  /** Fourier only: the spectrum's 1/frequency^decay scaling (Lucid: 1). */
  decayPower?: number;
  /** Lucid's redirected ReLU gradient, so that channels dead on a grey start can wake (layers models). */
  redirectRelu?: boolean;
}

export const presetNames = ['simonyan', 'yosinski-1', 'yosinski-2', 'yosinski-3', 'yosinski-4', 'lucid'] as const;
export type PresetName = (typeof presetNames)[number];

/**
 * Lucid's standard_transforms: its pixel amounts as they are from 128 pixels up (Lucid renders at
 * 128 by default), scaled down below (a 28-pixel digit would vanish under a 12-pixel pad).
 */
function lucidTransforms(size: number): Transform[] {
  const px = (n: number) => Math.max(1, Math.round((n * Math.min(size, 128)) / 128));
  return [
    pad(px(12)),
    jitter(px(8)),
    randomScale(Array.from({ length: 11 }, (_, i) => 1 + (i - 5) / 50)),
    randomRotate([...Array.from({ length: 21 }, (_, i) => i - 10), 0, 0, 0, 0, 0]),
    jitter(px(4)),
  ];
}

const none = () => [];

/**
 * Yosinski et al. 2015, Table 1 (the four settings of yosinski/deep-visualization-toolbox,
 * doc/running-optimize-image.md): decay, blur, clipping percentiles and step counts as published.
 * The step size is the toolbox's "progress" rate for all four rows (each step aims to raise the
 * objective by 2: lr = 2/‖g‖², which does not depend on the network's scale). The toolbox caps it
 * for row 1 and uses a constant rate of 100 for rows 2–3; both are in CaffeNet's 0..255 units, and
 * converted to [0, 1] units they leave the digits model's images grey (steps far too small).
 */
const yosinski = (row: 1 | 2 | 3 | 4, settings: Pick<Preset, 'decay' | 'blurEvery' | 'blurWidth' | 'normPercentile' | 'contributionPercentile' | 'steps'>): Preset => ({
  name: `yosinski-${row}`,
  description: `Yosinski et al. 2015, setting ${row}: decay ${settings.decay ?? 0}, blur ${settings.blurWidth ?? 0} px every ${settings.blurEvery ?? 0}, clip norm ${settings.normPercentile ?? 0} %, clip contribution ${settings.contributionPercentile ?? 0} %`,
  parameterization: 'pixels',
  optimizer: { kind: 'ascent', learningRate: 2, normalize: 'progress' },
  transforms: none,
  initSd: 10 / 255,
  ...settings,
});

export const presets: Record<PresetName, Preset> = {
  simonyan: {
    name: 'simonyan',
    description: 'Simonyan et al. 2014: the class score minus an L2 penalty, plain gradient ascent from grey',
    parameterization: 'pixels',
    optimizer: { kind: 'ascent', learningRate: 0.01, normalize: 'rms' },
    steps: 200,
    l2: 1,
    transforms: none,
    initSd: 0,
  },
  'yosinski-1': yosinski(1, { decay: 0, blurWidth: 0.5, blurEvery: 4, normPercentile: 50, contributionPercentile: 0, steps: 500 }),
  'yosinski-2': yosinski(2, { decay: 0.3, blurWidth: 0, blurEvery: 0, normPercentile: 20, contributionPercentile: 0, steps: 750 }),
  'yosinski-3': yosinski(3, { decay: 0.0001, blurWidth: 1.0, blurEvery: 4, normPercentile: 0, contributionPercentile: 0, steps: 1000 }),
  'yosinski-4': yosinski(4, { decay: 0, blurWidth: 0.5, blurEvery: 4, normPercentile: 0, contributionPercentile: 90, steps: 1000 }),
  lucid: {
    name: 'lucid',
    description: 'Olah et al. 2017 (Lucid): Fourier parameterization (1/f^1.5) with colour decorrelation, transformation robustness, Adam 0.05',
    parameterization: 'fourier',
    optimizer: { kind: 'adam', learningRate: 0.05 },
    steps: 512,
    transforms: lucidTransforms,
    initSd: 0.01,
    // Lucid's default is 1. On the bundled InceptionV3 (uint8-quantized weights) 1.5 gives clearer,
    // more saturated shapes and less of the fine diagonal ripple that 1 leaves (compared by eye on
    // mixed4 channels at 128 steps); the digits still read back as their class with p ≈ 1.
    decayPower: 1.5,
    redirectRelu: true,
  },
};
