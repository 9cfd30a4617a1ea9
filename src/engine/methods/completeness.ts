/**
 * Completeness of integrated gradients (Sundararajan et al., axiom of completeness): the
 * attributions should add up to f(x) − f(baseline). The quadrature error shows as the difference,
 * so a large one means the path integral needs more steps.
 */
export interface Completeness {
  /** Σ attribution − (f(x) − f(baseline)). */
  delta: number;
  /** |delta| / |f(x) − f(baseline)|; absent when f(x) ≈ f(baseline). */
  relative?: number;
  /** Set when the check fails or cannot be made; shown to the user as is. */
  warning?: string;
}

/** Fraction of |f(x) − f(baseline)| above which the attributions are reported as incomplete. */
export const completenessTolerance = 0.05;

const num = (v: number) => String(+v.toPrecision(4));
const percent = (v: number) => `${+(100 * v).toPrecision(3)} %`;

export function checkCompleteness(sumAttribution: number, fX: number, fBaseline: number, steps: number): Completeness {
  const gap = fX - fBaseline;
  const delta = sumAttribution - gap;
  // float32 scores carry ~7 digits: a gap below a millionth of the scores is rounding noise, and a
  // percentage of it would be meaningless (or a division by zero).
  if (Math.abs(gap) <= 1e-6 * Math.max(1, Math.abs(fX), Math.abs(fBaseline))) {
    return { delta, warning: `integrated gradients: f(x) − f(baseline) = ${num(gap)} is about 0 (the input scores like the baseline), so completeness cannot be checked as a percentage; Σ attribution − (f(x) − f(baseline)) = ${num(delta)}` };
  }
  const relative = Math.abs(delta) / Math.abs(gap);
  if (relative <= completenessTolerance) return { delta, relative };
  const warning = `integrated gradients: attributions are incomplete: Σ attribution − (f(x) − f(baseline)) = ${num(delta)}, ${percent(relative)} of f(x) − f(baseline) = ${num(gap)} (more than ${percent(completenessTolerance)}); use more steps (now ${steps})`;
  return { delta, relative, warning };
}
