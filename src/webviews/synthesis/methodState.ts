// What the synthesis panel decides from the method list and the user's values (pure: unit-tested
// without a browser): which method is on show, whether it reads the input image, which plan
// answer still applies, the status line of a run.
import type { SynthesisResult } from '../../shared/engineProtocol';
import type { CostPlan, MethodInfo } from '../../shared/methodSchema';
import type { OptionValues, SynthesisMethodInfo } from '../../shared/webviewProtocol';

/** The method to show: the view's if the engine has it, else the engine's first. */
export function shownMethod(wanted: string, methods: readonly MethodInfo[]): string | undefined {
  return methods.some((m) => m.name === wanted) ? wanted : methods[0]?.name;
}

/**
 * Whether the method reads the input image: true, false, or undefined when the engine does not say
 * (the image row then shows and the image is sent, which a method that reads none ignores; Run does
 * not wait for one, and the engine says so if the method needed it).
 */
export function needsImage(method: SynthesisMethodInfo | undefined): boolean | undefined {
  return method?.needsImage;
}

/** One key per (method, options), independent of the order the options were set in. */
export function optionsKey(method: string, options: OptionValues): string {
  const sorted = Object.keys(options)
    .sort()
    .map((k) => [k, options[k]]);
  return JSON.stringify([method, sorted]);
}

/** The cost line: the plan, why there is none, or that it is on its way. */
export function planText(plan: CostPlan | { error: string } | undefined, hasMethod: boolean): string {
  if (!hasMethod) return '';
  if (!plan) return 'Cost: …';
  return 'error' in plan ? `Cost unknown: ${plan.error}` : `Cost: ${plan.summary}`;
}

/** Why Run cannot start, or undefined when it can. */
export function runBlocker(state: { method: MethodInfo | undefined; needsImage: boolean | undefined; hasImage: boolean; optionError: string | undefined; busy: boolean }): string | undefined {
  if (!state.method) return 'The engine offers no synthesis method.';
  if (state.busy) return 'Busy: wait for the running job, or stop it.';
  if (state.needsImage === true && !state.hasImage) return `${state.method.label} needs an input image: choose one.`;
  return state.optionError;
}

/** The line under the image: where a run is, or how it ended. */
export function progressText(p: { step: number; of: number }): string {
  return `step ${p.step} of ${p.of}`;
}

export function resultText(r: Pick<SynthesisResult, 'stopped' | 'elapsedMs' | 'width' | 'height' | 'curve' | 'backend'> & { method?: string }, formatMs: (ms: number) => string): string {
  const steps = r.curve.length;
  // A style network's result is one forward pass (no loop, no curve).
  const how = r.stopped ? `Stopped after ${steps} step${steps === 1 ? '' : 's'}: the image so far` : r.method === 'fast-style' && steps === 0 ? 'Done: one forward pass' : `Done: ${steps} step${steps === 1 ? '' : 's'}`;
  return `${how} · ${r.width}×${r.height} · ${formatMs(r.elapsedMs)} · ${r.backend}`;
}
