// The loss curve's data (pure: unit-tested without a browser). During a run the points come from
// the preview notifications' scalars (throttled: not every step); at the end the result's full
// curve replaces them. A method that runs the loop several times (DeepDream's octaves) restarts
// its step count: such a restart continues the x axis instead of drawing over the first pass.
import type { SynthesisCurvePoint } from '../../shared/engineProtocol';

/** One look at the terms: `step` as the engine counts it, `values` by term name ('total' included). */
export interface CurveSample {
  step: number;
  values: Record<string, number>;
}

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

/** The name of the objective minus penalties, drawn first. */
export const totalName = 'total';

export function previewSample(preview: { step: number; scalars: Record<string, number> }): CurveSample {
  return { step: preview.step, values: { ...preview.scalars } };
}

export function resultSamples(curve: readonly SynthesisCurvePoint[]): CurveSample[] {
  return curve.map((p) => ({ step: p.step, values: { [totalName]: p.total, ...p.terms } }));
}

/** The samples' x positions: the step, continued across restarts of the count. */
export function positions(samples: readonly CurveSample[]): number[] {
  const xs: number[] = [];
  let offset = 0;
  let last: number | undefined;
  let lastX = 0;
  for (const s of samples) {
    if (last !== undefined && s.step < last) offset = lastX + 1 - s.step;
    const x = s.step + offset;
    xs.push(x);
    last = s.step;
    lastX = x;
  }
  return xs;
}

/**
 * One series per term: 'total' first, the others in the order they first appear. Values that are
 * not finite (a diverged step) are left out rather than breaking the chart's scale.
 */
export function curveSeries(samples: readonly CurveSample[]): Series[] {
  const names: string[] = [];
  for (const s of samples) for (const n of Object.keys(s.values)) if (!names.includes(n)) names.push(n);
  names.sort((a, b) => (a === totalName ? -1 : b === totalName ? 1 : 0));
  const xs = positions(samples);
  return names.map((name) => ({
    name,
    points: samples.flatMap((s, i) => {
      const y = s.values[name];
      return y !== undefined && Number.isFinite(y) ? [{ x: xs[i]!, y }] : [];
    }),
  }));
}
