// What the Embedding map's controls decide (pure: unit-tested without a browser): one key per
// request (which plan answer applies), the view's options with one value changed, the cost line.
import type { EmbeddingRequest, EmbeddingView } from '../../shared/embeddingMessages';
import type { CostPlan } from '../../shared/methodSchema';
import type { OptionValue } from '../ui/optionValues';

/** One key per (options, limit), whatever order the options were set in. */
export function requestKey(r: EmbeddingRequest): string {
  const sorted = Object.keys(r.options)
    .sort()
    .map((k) => [k, r.options[k]]);
  return JSON.stringify([sorted, r.limit ?? null]);
}

/** The view's options with `key` set (undefined: back to the schema's default, so it is not kept). */
export function withValue(options: EmbeddingView['options'], key: string, value: OptionValue | undefined): NonNullable<EmbeddingView['options']> {
  const { [key]: _old, ...rest } = options ?? {};
  return value === undefined ? rest : { ...rest, [key]: value };
}

/** The line beside Run: how many images the run reads and what it costs, why not, or that it is on its way. */
export function planLine(plan: (CostPlan & { images: number; total: number }) | { error: string } | undefined, hasFolder: boolean): string {
  if (!hasFolder) return 'Choose an image folder to map.';
  if (!plan) return 'Cost: …';
  if ('error' in plan) return `Cost unknown: ${plan.error}`;
  const sample = plan.images < plan.total ? `${plan.images} of ${plan.total} images (a seeded sample)` : `${plan.images} images`;
  return `${sample} · ${plan.summary}`;
}
