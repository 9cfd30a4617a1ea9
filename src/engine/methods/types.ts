import type * as tf from '../tf';
import type { LoadedModel } from '../model/loadedModel';

/** Progress of a long method: fraction done in [0, 1] and a short human line. */
export interface Progress {
  fraction: number;
  message: string;
}

export type ProgressFn = (p: Progress) => void;

/** A look at a long method's running result: a map [H, W] at model input size and scalars. */
export interface PreviewFrame {
  step: number;
  of: number;
  scalars: Record<string, number>;
  map?: ArrayND;
}

/**
 * Offers a preview. The frame is made lazily, only when the (throttled) sink will send it, so a
 * method may call this after every batch without paying for a read-back each time.
 */
export type PreviewFn = (frame: () => PreviewFrame) => void;

/** What long methods may use besides cancellation: a stop (end early, keep the partial result) and previews. */
export interface RunControl {
  stop?: AbortSignal;
  preview?: PreviewFn;
}

/** The contract every method follows (DESIGN.md §3, after Captum's attribute()). */
export type Method<O, R> = (model: LoadedModel, input: tf.Tensor4D, options: O, progress: ProgressFn, signal: AbortSignal, control?: RunControl) => Promise<R>;

/** A plain array with its shape, channels-last; what leaves the engine (JSON, PNG, webviews). */
export interface ArrayND {
  shape: number[];
  data: Float32Array;
}

/** What an attribution explains: a class score, or the mean activation of one channel. */
export type TargetSpec = { kind: 'class'; index?: number } | { kind: 'neuron'; layer: string; channel: number };
export type Target = { kind: 'class'; index: number; label?: string } | { kind: 'neuron'; layer: string; channel: number };

export interface AttributionResult {
  method: string;
  target: Target;
  /** Raw attribution: input-shaped [H, W, C] for gradient methods, [h, w] at layer resolution for CAMs. */
  attribution: ArrayND;
  /** One value per input pixel [H, W], what the overlay shows. */
  map: ArrayND;
  /** True when the map is signed (show with a diverging colormap). */
  signedMap: boolean;
  /** Method-specific numbers (forward passes, convergence delta, channel weights…). */
  details: Record<string, number | number[] | string>;
  /** Method-specific arrays (occlusion's window deltas, Grad-CAM's layer map…). */
  extra?: Record<string, ArrayND>;
  /** What the user should know about this result (e.g. incomplete attributions); absent or empty when nothing. */
  warnings?: string[];
}

export async function toArrayND(t: tf.Tensor): Promise<ArrayND> {
  return { shape: [...t.shape], data: (await t.data()) as Float32Array };
}

/** Throws if the job was cancelled; lets the event loop deliver a cancel between batches. */
export async function checkpoint(signal: AbortSignal): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new CancelledError();
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}
