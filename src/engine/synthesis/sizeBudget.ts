import { UserError } from '../errors';
import { defaultMemoryBudgetBytes, sampleBytes } from '../methods/batching';
import type { LoadedModel } from '../model/loadedModel';

/**
 * Bytes one forward + backward pass of the whole network takes at height × width: a sample's cost
 * at the model's input size (batching.ts), scaled by the pixel count.
 */
export function stepBytes(model: LoadedModel, height: number, width: number): number {
  const { height: h0, width: w0 } = model.inputShape;
  return sampleBytes(model) * ((height * width) / (h0 * w0));
}

/** The largest square side whose step fits the budget. */
export function largestSide(model: LoadedModel, budgetBytes = defaultMemoryBudgetBytes): number {
  return Math.floor(Math.sqrt(budgetBytes / stepBytes(model, 1, 1)));
}

/** Refuses a size whose step would not fit the memory budget, saying the largest that does. */
export function requireSizeFits(model: LoadedModel, size: { height: number; width: number }, what: string, budgetBytes: number = defaultMemoryBudgetBytes): void {
  const need = stepBytes(model, size.height, size.width);
  if (need <= budgetBytes) return;
  const mb = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  throw new UserError(`${model.file}: ${what} ${size.width}×${size.height} needs about ${mb(need)} per step, over the memory budget of ${mb(budgetBytes)}; the largest square that fits is ${largestSide(model, budgetBytes)}×${largestSide(model, budgetBytes)}`);
}
