// The saliency methods in the panel (pure: unit-tested without a browser). Their names, labels and
// hints come from the engine's method descriptors (saliencyInit.methods), never restated here.
import type { MethodInfo } from '../../shared/methodSchema';

/** What a card or a checkbox shows of a method: its label, and its hint as a tooltip. */
export interface MethodTitle {
  label: string;
  hint: string;
}

/** The title of `name` among the engine's methods; the bare name for a method the engine did not list. */
export function methodTitle(methods: readonly Pick<MethodInfo, 'name' | 'label' | 'hint'>[], name: string): MethodTitle {
  const m = methods.find((x) => x.name === name);
  return m ? { label: m.label, hint: m.hint } : { label: name, hint: '' };
}

/** The chosen methods in the engine's order, without duplicates or unknown names. */
export function orderedMethods(chosen: Iterable<string>, all: readonly string[]): string[] {
  const set = new Set(chosen);
  return all.filter((m) => set.has(m));
}

/** The Run button's label for a selection. */
export function runLabel(count: number): string {
  return count <= 1 ? 'Run' : `Compare ${count} methods`;
}
