import * as tf from '../tf';
import type { RawImage } from '../image/rawImage';
import type { SynthesisContext } from './descriptor';
import { displayPixels } from './imageSpace';
import { render, type RenderResult, type RenderSpec } from './renderLoop';

/**
 * Runs one render spec for a synthesis method: progress and previews (8-bit, made only when the
 * throttled sink takes one) go to the context, and the parameterization's constants are freed.
 * `offset`/`total` place this run's steps in a longer job (DeepDream's octaves).
 */
export async function runRender(spec: RenderSpec, ctx: SynthesisContext, label: string, place: { offset: number; total: number } = { offset: 0, total: spec.steps }): Promise<RenderResult> {
  try {
    const result = await render(spec, {
      signal: ctx.signal,
      stop: ctx.stop,
      label,
      progress: (p) => ctx.progress({ fraction: (place.offset + p.fraction * spec.steps) / place.total, message: p.message }),
      onStep: (frame) => ctx.preview?.(() => ({ step: place.offset + frame.step, of: place.total, scalars: { total: frame.point.total, ...frame.point.terms }, image: pixelsOf(frame.image()) })),
    });
    return result;
  } finally {
    spec.parameterization.dispose();
  }
}

/** 8-bit pixels of a display image; frees the tensor. */
export function pixelsOf(image: tf.Tensor4D): RawImage {
  try {
    return displayPixels(image);
  } finally {
    image.dispose();
  }
}
