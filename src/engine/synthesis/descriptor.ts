import type * as tf from '../tf';
import type { LoadedModel } from '../model/loadedModel';
import type { RawImage } from '../image/rawImage';
import type { ProgressFn } from '../methods/types';
import type { CostPlan, MethodInfo } from '../../shared/methodSchema';
import type { CurvePoint } from './renderLoop';

/** A look at a running synthesis: the image so far and the terms of the last step. */
export interface SynthesisPreview {
  step: number;
  of: number;
  scalars: Record<string, number>;
  image: RawImage;
}

export interface SynthesisContext {
  model: LoadedModel;
  /** The input photo of methods that read one, as decoded, and its file. */
  image?: { file: string; raw: RawImage };
  progress: ProgressFn;
  /** Cancel: reject, keep nothing. */
  signal: AbortSignal;
  /** Stop: end after the current step and return the image so far. */
  stop?: AbortSignal;
  /** Offered after every step; the frame is made only when the (throttled) sink takes it. */
  preview?: (frame: () => SynthesisPreview) => void;
}

export interface SynthesisOutput {
  /** The picture (several layers: side by side), 8-bit. */
  image: RawImage;
  curve: CurvePoint[];
  details: Record<string, number | string | number[]>;
  warnings: string[];
  stopped: boolean;
  /** Structured numbers for --json beside `details` (e.g. per-layer errors). */
  extra?: Record<string, unknown>;
}

/**
 * One synthesis method (DESIGN.md §3): the same shape as an attribution descriptor, with an image
 * as its result. The synthesis registry generates the CLI command's flags and --help, the engine's
 * dispatch and the Synthesis panel's controls from these.
 */
export interface SynthesisDescriptor<O = Record<string, unknown>> extends MethodInfo {
  /** The CLI command that runs it (visualize, invert, dream). */
  command: string;
  /** Whether it reads an input image (--image). */
  needsImage: boolean;
  /** Whether the CLI runs it on the bundled InceptionV3 when no --model is given (methods of photos). */
  usesFeatureNetwork?: boolean;
  /** Options with the defaults that depend on the model or on other options filled in (recorded in the run config). */
  resolve?(options: O, model: LoadedModel): O;
  cost(options: O, model: LoadedModel): CostPlan;
  run(ctx: SynthesisContext, options: O): Promise<SynthesisOutput>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySynthesisDescriptor = SynthesisDescriptor<any>;

/** Tensors a synthesis hands around are display images [1, H, W, C] in [0, 1]. */
export type DisplayImage = tf.Tensor4D;
