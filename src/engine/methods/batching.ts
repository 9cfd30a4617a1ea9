import type { LoadedModel } from '../model/loadedModel';
import { checkpoint, type ProgressFn } from './types';

/** Default memory budget for one batch of forward+backward work. */
export const defaultMemoryBudgetBytes = 512 * 1024 * 1024;

/**
 * How many samples fit in one batch: every layer's output is kept for the backward pass and a
 * gradient of the same size flows back, so a sample costs about 3 × Σ(layer output sizes) floats.
 */
export function batchSizeFor(model: LoadedModel, total: number, budgetBytes = defaultMemoryBudgetBytes, withGradients = true): number {
  const { height, width, channels } = model.inputShape;
  const floats = model.layers.reduce((sum, l) => sum + l.outputShape.reduce((a, d) => a * Math.max(d, 1), 1), height * width * channels);
  const perSample = floats * 4 * (withGradients ? 3 : 1);
  return Math.max(1, Math.min(total, Math.floor(budgetBytes / perSample)));
}

/** Runs `work` over [0, total) in batches, reporting progress and honouring cancellation between batches. */
export async function forEachBatch(total: number, batchSize: number, signal: AbortSignal, progress: ProgressFn, what: string, work: (start: number, count: number) => void): Promise<void> {
  for (let start = 0; start < total; start += batchSize) {
    await checkpoint(signal);
    const count = Math.min(batchSize, total - start);
    work(start, count);
    progress({ fraction: (start + count) / total, message: `${what} ${start + count}/${total}` });
  }
}
