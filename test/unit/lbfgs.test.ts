// L-BFGS with a strong-Wolfe line search: the minimum of a convex quadratic (known by hand) in a few
// more evaluations than dimensions, Rosenbrock's minimum, and `style --optimizer lbfgs` on the
// bundled digits model: it lowers the style loss, every evaluation is a curve point, a stop keeps
// the best image so far (as a run of that many evaluations gives), it repeats itself, and nothing is
// left behind after a run, a stop, a cancel or an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { cubicMinimizer, lbfgs } from '../../src/engine/synthesis/lbfgs';
import { render } from '../../src/engine/synthesis/renderLoop';
import { visualizationSpec } from '../../src/engine/synthesis/activationMaximization';
import { presets } from '../../src/engine/synthesis/presets';
import { styleMethod, type StyleOptions } from '../../src/engine/synthesis/style';
import { CancelledError } from '../../src/engine/methods/types';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
const digitFile = (d: number) => path.join(root, `samples/digits/digit-${d}.png`);
let model: LoadedModel;
beforeAll(async () => {
  await useWasm();
  model = await loadModel(path.join(root, 'models/mnist-cnn/model.json'));
});
afterAll(() => model.dispose());

/**
 * Runs the optimizer as the render loop does, on f (to be minimized; the loop ascends −f), for
 * `evaluations` evaluations; returns every evaluated point and value and the point it settles on.
 */
function minimize(f: (x: number[]) => number, grad: (x: number[]) => number[], x0: number[], evaluations: number) {
  const before = tf.memory().numTensors;
  const opt = lbfgs();
  let x: tf.Tensor = tf.tensor1d(x0);
  const points: number[][] = [];
  const values: number[] = [];
  /** Iterations done once evaluation k was taken in (it ends one when it is the accepted point). */
  const iterationsAt: number[] = [];
  for (let k = 0; k < evaluations; k++) {
    const xv = Array.from(x.dataSync());
    points.push(xv);
    values.push(f(xv));
    const g = tf.tensor1d(grad(xv).map((v) => -v));
    const next = opt.step(x, g, -f(xv));
    iterationsAt.push(opt.iterations);
    tf.dispose([g, x]);
    x = next;
  }
  const settled = opt.settle!(x);
  if (settled !== x) x.dispose();
  const final = Array.from(settled.dataSync());
  settled.dispose();
  const iterations = opt.iterations;
  opt.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return { points, values, final, iterations, iterationsAt };
}

const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

describe('L-BFGS', () => {
  it('finds the minimum of a convex quadratic, known by hand, in n + a few iterations', () => {
    // f(x) = ½ xᵀAx − bᵀx with A symmetric positive definite (diagonally dominant) and b = A·x*, so
    // that the minimum is x* = (1, −2, 0.5, 3), where f = −½ x*ᵀAx* = −½ b·x*.
    const A = [
      [4, 1, 0, 0],
      [1, 3, 1, 0],
      [0, 1, 2, 0.5],
      [0, 0, 0.5, 1],
    ];
    const xStar = [1, -2, 0.5, 3];
    const Ax = (x: number[]) => A.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0));
    const b = Ax(xStar);
    expect(b).toEqual([2, -4.5, 0.5, 3.25]);
    const f = (x: number[]) => 0.5 * x.reduce((s, v, i) => s + v * Ax(x)[i]!, 0) - b.reduce((s, v, i) => s + v * x[i]!, 0);
    const grad = (x: number[]) => Ax(x).map((v, i) => v - b[i]!);
    const fStar = -0.5 * b.reduce((s, v, i) => s + v * xStar[i]!, 0);
    expect(fStar).toBe(-10.5);
    const n = 4;
    const r = minimize(f, grad, [0, 0, 0, 0], 20);
    const reached = r.points.findIndex((p) => distance(p, xStar) <= 1e-6);
    expect(reached).toBeGreaterThan(0);
    // Iterations (line searches ended by a step) and evaluations (the start included). Exact line
    // searches would end in n iterations; strong-Wolfe ones accept t = 1 when it is good enough, so
    // a few more: 10 iterations, 11 evaluations here. SciPy's L-BFGS-B (m = 10) on the same problem
    // from the same start is within 1e-6 after 12 evaluations.
    expect(r.iterationsAt[reached]).toBeLessThanOrEqual(n + 6);
    expect(reached + 1).toBeLessThanOrEqual(3 * n);
    expect(distance(r.final, xStar)).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(f(r.final) - fStar)).toBeLessThanOrEqual(1e-6);
  });

  it("reaches Rosenbrock's minimum (1, 1) from (−1.2, 1)", () => {
    const f = (x: number[]) => (1 - x[0]!) ** 2 + 100 * (x[1]! - x[0]! ** 2) ** 2;
    const grad = (x: number[]) => [-2 * (1 - x[0]!) - 400 * x[0]! * (x[1]! - x[0]! ** 2), 200 * (x[1]! - x[0]! ** 2)];
    const r = minimize(f, grad, [-1.2, 1], 100);
    expect(distance(r.final, [1, 1])).toBeLessThanOrEqual(1e-4);
    expect(f(r.final)).toBeLessThanOrEqual(1e-8);
    // The settled point is the best one evaluated.
    expect(f(r.final)).toBeCloseTo(Math.min(...r.values), 12);
    expect(r.iterations).toBeGreaterThan(10);
  });

  it('the cubic step of the line search is exact on a cubic and stays inside its bounds', () => {
    // φ(t) = (t − 1)³ − 3(t − 1)·4 has φ' = 3(t − 1)² − 12, a local minimum at t = 3.
    const phi = (t: number) => (t - 1) ** 3 - 12 * (t - 1);
    const dphi = (t: number) => 3 * (t - 1) ** 2 - 12;
    expect(cubicMinimizer(2, phi(2), dphi(2), 5, phi(5), dphi(5), 2, 5)).toBeCloseTo(3, 10);
    expect(cubicMinimizer(5, phi(5), dphi(5), 2, phi(2), dphi(2), 2, 5)).toBeCloseTo(3, 10);
    expect(cubicMinimizer(2, phi(2), dphi(2), 5, phi(5), dphi(5), 3.5, 5)).toBe(3.5);
  });
});

describe('style --optimizer lbfgs', () => {
  const signal = new AbortController().signal;
  const options: StyleOptions = { content: digitFile(0), styles: [digitFile(2)], contentLayer: 'conv2', styleLayers: ['conv1', 'conv2'], size: 28, smoothing: 'none', optimizer: 'lbfgs' };
  const run = (o: StyleOptions, ctx: { stop?: AbortSignal; signal?: AbortSignal; progress?: (p: { fraction: number }) => void } = {}) =>
    styleMethod.run({ model, progress: ctx.progress ?? (() => {}), signal: ctx.signal ?? signal, stop: ctx.stop }, { ...options, ...o });

  it('lowers the style loss, records every evaluation, repeats itself, and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const out = await run({ steps: 40 });
    expect(tf.memory().numTensors).toBe(before);
    const d = out.details as Record<string, number | string>;
    expect(d.optimizer).toBe('lbfgs');
    expect(out.curve).toHaveLength(40);
    expect(out.curve.map((p) => p.step)).toEqual([...Array(40).keys()]);
    expect(d.contentLossStart).toBeLessThan(1e-10);
    expect(d.styleLossEnd).toBeLessThan(0.5 * (d.styleLossStart as number));
    const again = await run({ steps: 40 });
    expect(Buffer.from(again.image.data).equals(Buffer.from(out.image.data))).toBe(true);
    // On the same budget it gets lower than Adam here (its best total: the image it keeps).
    const adam = await run({ steps: 40, optimizer: 'adam' });
    const best = (c: typeof out.curve) => Math.max(...c.map((p) => p.total));
    expect(best(out.curve)).toBeGreaterThan(best(adam.curve));
  });

  it('a stop mid-run keeps the best image so far, as a run of that many evaluations gives; nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const stop = new AbortController();
    let steps = 0;
    const stopped = await run({ steps: 40 }, { stop: stop.signal, progress: () => ++steps === 9 && stop.abort() });
    expect(tf.memory().numTensors).toBe(before);
    expect(stopped.stopped).toBe(true);
    expect(stopped.curve).toHaveLength(9);
    expect(stopped.warnings[0]).toMatch(/stopped after 9 of 40 steps/);
    const nine = await run({ steps: 9 });
    expect(Buffer.from(stopped.image.data).equals(Buffer.from(nine.image.data))).toBe(true);
    expect(stopped.details.styleLossEnd).toBeLessThan(stopped.details.styleLossStart as number);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a cancel and an error mid-run, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const cancel = new AbortController();
    let steps = 0;
    await expect(run({ steps: 40 }, { signal: cancel.signal, progress: () => ++steps === 5 && cancel.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
    const spec = visualizationSpec(model, { target: { kind: 'class', index: 3 }, preset: presets.simonyan, steps: 10, height: 28, width: 28, seed: 1 });
    spec.optimizer.dispose();
    spec.optimizer = lbfgs();
    let calls = 0;
    const score = spec.terms[0]!.objective.score;
    spec.terms[0]!.objective.score = (f) => {
      if (++calls === 6) throw new Error('objective failed');
      return score(f);
    };
    try {
      await expect(render(spec, { signal })).rejects.toThrow('objective failed');
    } finally {
      spec.parameterization.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
