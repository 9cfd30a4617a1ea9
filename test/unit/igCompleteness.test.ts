import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { integratedGradients } from '../../src/engine/methods/integratedGradients';
import { checkCompleteness, completenessTolerance } from '../../src/engine/methods/completeness';
import { loadInputImage } from '../../src/engine/image/loadInputImage';
import { referenceFile } from './support/reference';
import { smallReluCnn } from './support/tinyModels';
import { useWasm } from './support/backend';

// Completeness (Sundararajan et al.): IG attributions add up to f(x) − f(baseline), up to the
// quadrature error. The result must say so when they miss by more than 5 %.

const noop = () => {};
const signal = new AbortController().signal;

let tiny: LoadedModel;
let tinyInput: tf.Tensor4D;
let reference: LoadedModel;
let referenceInput: tf.Tensor4D;
beforeAll(async () => {
  await useWasm();
  ({ model: tiny, input: tinyInput } = await smallReluCnn());
  // The shared reference CNN (conv-ReLU-pool ×2, GAP, dense), read in place.
  reference = await loadModel(referenceFile('model_a/model/model.json'));
  referenceInput = loadInputImage(reference, referenceFile('model_a/radial_bar/input.png')).input;
});

async function ig(model: LoadedModel, input: tf.Tensor4D, target: number, steps: number, baseline = 0) {
  const before = tf.memory().numTensors;
  const r = await integratedGradients(model, input, { target: { kind: 'class', index: target }, steps, baseline }, noop, signal);
  expect(tf.memory().numTensors).toBe(before);
  const gap = (r.details.fX as number) - (r.details.fBaseline as number);
  const delta = r.details.convergenceDelta as number;
  // The delta is recomputed here from the attributions, not taken from the method's word.
  const sum = r.attribution.data.reduce((s, v) => s + v, 0);
  expect(delta).toBeCloseTo(sum - gap, 4);
  return { r, gap, delta, relative: Math.abs(delta) / Math.abs(gap) };
}

describe('integrated gradients completeness', () => {
  it.each([
    ['the reference CNN, class 0', () => [reference, referenceInput, 0] as const],
    ['a seeded ReLU CNN, class 1', () => [tiny, tinyInput, 1] as const],
  ])('%s: 2 steps miss by more than 5 % and warn with the delta; 50 steps do not', async (name, setup) => {
    const [model, input, target] = setup();
    const coarse = await ig(model, input, target, 2);
    const fine = await ig(model, input, target, 50);
    console.log(`${name}: |Σ attribution − (f(x) − f(baseline))| / |f(x) − f(baseline)| = ${(100 * coarse.relative).toFixed(2)} % at 2 steps, ${(100 * fine.relative).toFixed(3)} % at 50 steps`);
    expect(coarse.relative).toBeGreaterThan(completenessTolerance);
    expect(coarse.r.warnings).toHaveLength(1);
    const warning = coarse.r.warnings![0]!;
    expect(warning).toContain(String(+coarse.delta.toPrecision(4)));
    expect(warning).toContain(`${+(100 * coarse.relative).toPrecision(3)} %`);
    expect(warning).toMatch(/more steps \(now 2\)/);
    expect(coarse.r.details.relativeDelta).toBeCloseTo(coarse.relative, 6);
    expect(fine.relative).toBeLessThan(0.01);
    expect(fine.r.warnings).toEqual([]);
  });

  it('the reference CNN is complete to under 0.1 % at 50 steps', async () => {
    expect((await ig(reference, referenceInput, 0, 50)).relative).toBeLessThan(0.001);
  });

  it('f(x) = f(baseline): no division by zero, and the warning says the check cannot be a percentage', async () => {
    const grey = tf.fill([1, 12, 12, 3], 0.5) as tf.Tensor4D;
    const { r, gap, delta } = await ig(tiny, grey, 0, 8, 0.5);
    grey.dispose();
    expect(gap).toBe(0);
    expect(Number.isFinite(delta)).toBe(true);
    expect(r.details.relativeDelta).toBeUndefined();
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings![0]).toMatch(/f\(x\) − f\(baseline\) = 0 is about 0.*cannot be checked as a percentage/);
  });
});

describe('checkCompleteness', () => {
  it('warns above 5 % of |f(x) − f(baseline)|, not below, whatever the sign', () => {
    expect(checkCompleteness(1.049, 1, 0, 50).warning).toBeUndefined();
    expect(checkCompleteness(-1.049, -1, 0, 50).warning).toBeUndefined();
    const above = checkCompleteness(1.051, 3, 2, 7);
    expect(above.delta).toBeCloseTo(0.051, 12);
    expect(above.relative).toBeCloseTo(0.051, 12);
    expect(above.warning).toMatch(/= 0\.051, 5\.1 % of f\(x\) − f\(baseline\) = 1 .*now 7/);
    expect(checkCompleteness(-0.9, -1, 0, 50).warning).toMatch(/10 %/);
  });

  it('a gap within float32 rounding of the scores counts as 0; NaN attributions warn', () => {
    const tie = checkCompleteness(0.2, 1000, 1000 - 1e-4, 50);
    expect(tie.relative).toBeUndefined();
    expect(tie.warning).toMatch(/about 0/);
    expect(checkCompleteness(0.2, 1, 1 - 1e-3, 50).relative).toBeCloseTo(199, 6);
    expect(checkCompleteness(NaN, 1, 0, 50).warning).toMatch(/NaN/);
  });
});
