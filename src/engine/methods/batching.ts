import { performance } from 'node:perf_hooks';
import type { LoadedModel } from '../model/loadedModel';
import { checkpoint, type ProgressFn } from './types';

/** Default memory budget for one batch of forward+backward work. */
export const defaultMemoryBudgetBytes = 512 * 1024 * 1024;

/**
 * How many samples fit in one batch: every layer's output is kept for the backward pass and a
 * gradient of the same size flows back, so a sample costs about 3 × Σ(layer output sizes) floats.
 */
export function batchSizeFor(model: LoadedModel, total: number, budgetBytes = defaultMemoryBudgetBytes, withGradients = true): number {
  return Math.max(1, Math.min(total, Math.floor(budgetBytes / sampleBytes(model, withGradients))));
}

/** Bytes one sample at the model's input size takes (see batchSizeFor); synthesis scales it by pixels. */
export function sampleBytes(model: LoadedModel, withGradients = true): number {
  const { height, width, channels } = model.inputShape;
  const floats = model.layers.reduce((sum, l) => sum + l.outputShape.reduce((a, d) => a * Math.max(d, 1), 1), height * width * channels);
  return floats * 4 * (withGradients ? 3 : 1);
}

/**
 * How long one batch should run: a cancel is seen between batches (and inside backward passes),
 * and must take effect within a second even when a loaded machine runs a batch 2× slower than the
 * previous one predicted.
 */
export const batchTargetMs = 400;

/** How a batched run ended: the largest batch used, and how many samples were done (all unless stopped). */
export interface BatchRun {
  largestBatch: number;
  done: number;
  stopped: boolean;
}

/**
 * Runs `work` over [0, total) in batches of at most `maxBatch` (the memory bound), reporting
 * progress and honouring cancellation between batches. Batches also stay short in time: the first
 * holds one sample and measures its cost, later ones hold as many as fit in `batchTargetMs`, so a
 * large network is cancelled promptly while a small one still runs in big batches. Results do not
 * depend on the batch size (samples are independent). `work` may be async (a backward pass that
 * checks for a cancel itself: see interruptibleGrad). Returns the largest batch used.
 */
export async function forEachBatch(total: number, maxBatch: number, signal: AbortSignal, progress: ProgressFn, what: string, work: (start: number, count: number) => unknown): Promise<number> {
  return (await runBatches(total, maxBatch, signal, progress, what, work)).largestBatch;
}

/**
 * forEachBatch with a stop: once `stop` is aborted the loop ends after the batch in flight (no
 * error; a cancel on `signal` still throws), so the caller can build a partial result from the
 * `done` samples. At least one batch always runs, so a partial result is never empty.
 */
export async function runBatches(total: number, maxBatch: number, signal: AbortSignal, progress: ProgressFn, what: string, work: (start: number, count: number) => unknown, stop?: AbortSignal, targetMs = batchTargetMs): Promise<BatchRun> {
  let size = 1;
  let largest = 0;
  // Cost of one sample: the last batch's, but falling at most by half per batch, so one fast batch
  // (a quiet moment on a busy machine) does not size the next one past what a slow moment allows.
  let perSample = 0;
  let start = 0;
  while (start < total) {
    await checkpoint(signal);
    if (start > 0 && stop?.aborted) return { largestBatch: largest, done: start, stopped: true };
    const count = Math.min(size, maxBatch, total - start);
    const t0 = performance.now();
    await work(start, count);
    perSample = Math.max((performance.now() - t0) / count, perSample / 2, 0.01);
    largest = Math.max(largest, count);
    start += count;
    progress({ fraction: start / total, message: `${what} ${start}/${total}` });
    size = Math.max(1, Math.min(maxBatch, Math.floor(targetMs / perSample)));
  }
  return { largestBatch: largest, done: total, stopped: false };
}
