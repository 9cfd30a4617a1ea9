import * as tf from '../tf';
import type { Optimizer } from './optimizers';

/**
 * L-BFGS (Liu & Nocedal 1989) with a strong-Wolfe line search (Nocedal & Wright 2006, algorithms
 * 3.5 and 3.6, cubic interpolation), as an ascent optimizer of the render loop.
 *
 * The render loop evaluates one point per step (one forward + backward pass) and hands the
 * optimizer the point, its objective value and gradient; the optimizer answers with the next point
 * to evaluate. A line search therefore costs loop steps: every trial point is a step, recorded in
 * the curve like any other, and `--steps` counts forward + backward evaluations whatever the
 * optimizer (as torch.optim.LBFGS's func_evals counts closure calls, the first one included; unlike
 * torch, a search cut by the budget does not overrun it). The search itself is written as a
 * generator that yields trial points and receives their evaluations, so that it reads as straight
 * code while the loop keeps its contract (curve, stop, cancel, previews) unchanged.
 *
 * It minimizes f = −objective. History and directions live in Float64Arrays (the two-loop
 * recursion is a few passes over the pixels, cheap beside a pass through a network); the only
 * tensors it makes are the points it returns. The points the loop actually evaluated (after its
 * projection, e.g. the pixel clip) are the ones the history is built from, and a component the
 * projection moved off the asked point is taken to sit at a bound: it stays there while its descent
 * points outwards (a projected L-BFGS on the free components; without it, style on a digit, whose
 * pixels are mostly 0 or 1, stalls on directions the clip undoes: total loss 0.91 after 40
 * evaluations against 0.41 with it; on the photo bench it makes little difference). When the loop ends, `settle`
 * gives the best point evaluated: a trial of an unfinished search may be worse.
 */
export interface LbfgsOptions {
  /** Pairs (s, y) kept; default 10. */
  history?: number;
  /**
   * The largest parameter change of the first trial step (steepest descent, before any curvature
   * is known). Default torch's rule: step length min(1, 1/‖g‖₁).
   */
  firstStep?: number;
  /** Sufficient decrease and curvature constants of the strong Wolfe conditions; default 1e-4 and 0.9. */
  c1?: number;
  c2?: number;
  /** Evaluations one line search may take before it settles for its best point; default 25. */
  maxLineSearch?: number;
  /** Converged when max|g| is at most this; default 1e-9. */
  gradientTolerance?: number;
}

interface Evaluation {
  x: Float64Array;
  f: number;
  g: Float64Array;
}

/** A point of the line search: step length t, its evaluation and the directional derivative there. */
interface LinePoint {
  t: number;
  e: Evaluation;
  dg: number;
  /** The point asked for (the loop's projection may have moved it); absent at t = 0. */
  asked?: Float64Array;
}

/** L-BFGS as a render-loop optimizer; `iterations` counts the line searches that ended in a step. */
export function lbfgs(options: LbfgsOptions = {}): Optimizer & { readonly iterations: number } {
  const m = options.history ?? 10;
  const counter = { iterations: 0 };
  let search: Generator<Float64Array, never, Evaluation> | undefined;
  let shape: number[] = [];
  let best: { f: number; x: Float32Array } | undefined;
  return {
    name: 'lbfgs',
    get iterations() {
      return counter.iterations;
    },
    step: (params, gradient, value) => {
      if (value === undefined) throw new Error("L-BFGS needs the objective's value at every step");
      const xs = params.dataSync() as Float32Array;
      const gs = gradient.dataSync();
      // A value that is not a number counts as +∞: the line search backs off from it.
      const e: Evaluation = { x: Float64Array.from(xs), f: Number.isNaN(value) ? Infinity : -value, g: new Float64Array(gs.length) };
      for (let i = 0; i < gs.length; i++) e.g[i] = -gs[i]!;
      if (!best || e.f < best.f) best = { f: e.f, x: Float32Array.from(xs) };
      let next: IteratorResult<Float64Array, never>;
      if (!search) {
        shape = params.shape;
        search = lbfgsSearch(e, m, options, counter);
        next = search.next();
      } else {
        next = search.next(e);
      }
      return tf.tensor(Float32Array.from(next.value), shape);
    },
    settle: (params) => (best ? tf.tensor(best.x, shape) : params),
    dispose: () => {
      search?.return(undefined as never);
      search = undefined;
      best = undefined;
    },
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i]!));
  return s;
}

/** x + t·d */
function along(x: Float64Array, t: number, d: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + t * d[i]!;
  return out;
}

/**
 * The minimizer of the cubic through (t1, f1, f1') and (t2, f2, f2') (Nocedal & Wright eq. 3.59),
 * clamped into [lo, hi]; the middle of [lo, hi] when the cubic has no minimizer.
 */
export function cubicMinimizer(t1: number, f1: number, g1: number, t2: number, f2: number, g2: number, lo: number, hi: number): number {
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (t1 - t2);
  const disc = d1 * d1 - g1 * g2;
  if (disc >= 0 && t1 !== t2) {
    const d2 = Math.sign(t2 - t1) * Math.sqrt(disc);
    const denom = g2 - g1 + 2 * d2;
    if (denom !== 0) {
      const t = t2 - ((t2 - t1) * (g2 + d2 - d1)) / denom;
      if (Number.isFinite(t)) return Math.min(Math.max(t, lo), hi);
    }
  }
  return (lo + hi) / 2;
}

/** The L-BFGS iterations; yields points to evaluate, receives their evaluations. Never returns. */
function* lbfgsSearch(first: Evaluation, m: number, o: LbfgsOptions, counter: { iterations: number }): Generator<Float64Array, never, Evaluation> {
  const c1 = o.c1 ?? 1e-4;
  const c2 = o.c2 ?? 0.9;
  const maxLs = o.maxLineSearch ?? 25;
  const gradTol = o.gradientTolerance ?? 1e-9;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let cur = first;
  // Components the loop's projection held at a bound: +1 above, −1 below, 0 free.
  const bound = new Int8Array(first.x.length);
  for (;;) {
    // Components at a bound whose descent points outwards stay where they are (a projected
    // L-BFGS on the free ones); the others are released.
    const held = (i: number) => bound[i] !== 0 && -cur.g[i]! * bound[i]! > 0;
    // Two-loop recursion: d = −H·g with H₀ = (s·y / y·y)·I from the newest pair.
    const q = cur.g.map((v, i) => (held(i) ? 0 : v));
    if (maxAbs(q) <= gradTol) {
      // Converged (the projected gradient vanishes): hold the point; the loop's budget ends the run.
      for (;;) cur = yield cur.x;
    }
    const alpha = new Array<number>(S.length);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i]! * dot(S[i]!, q);
      const a = alpha[i]!;
      const y = Y[i]!;
      for (let j = 0; j < q.length; j++) q[j] -= a * y[j]!;
    }
    if (S.length) {
      const k = S.length - 1;
      const gamma = 1 / (rho[k]! * dot(Y[k]!, Y[k]!));
      for (let j = 0; j < q.length; j++) q[j] *= gamma;
    }
    for (let i = 0; i < S.length; i++) {
      const b = alpha[i]! - rho[i]! * dot(Y[i]!, q);
      const s = S[i]!;
      for (let j = 0; j < q.length; j++) q[j] += b * s[j]!;
    }
    let d = q.map((v, i) => (held(i) ? 0 : -v));
    let dg0 = dot(cur.g, d);
    let fresh = S.length === 0;
    if (!(dg0 < 0)) {
      // Not a descent direction (the curvature pairs misled it): forget them, go downhill.
      S.length = Y.length = rho.length = 0;
      d = cur.g.map((v, i) => (held(i) ? 0 : -v));
      dg0 = dot(cur.g, d);
      fresh = true;
    }
    const t0 = fresh ? (o.firstStep !== undefined ? o.firstStep / maxAbs(d) : Math.min(1, 1 / cur.g.reduce((s, v) => s + Math.abs(v), 0))) : 1;

    // Strong Wolfe line search along d from cur (t = 0).
    const start: LinePoint = { t: 0, e: cur, dg: dg0 };
    const armijo = (p: LinePoint) => p.e.f <= cur.f + c1 * p.t * dg0;
    const curvature = (p: LinePoint) => Math.abs(p.dg) <= -c2 * dg0;
    let evals = 0;
    const tryStep = function* (t: number): Generator<Float64Array, LinePoint, Evaluation> {
      const asked = along(cur.x, t, d);
      const e = yield asked;
      evals++;
      return { t, e, dg: dot(e.g, d), asked };
    };
    let accepted: LinePoint | undefined;
    let lo: LinePoint | undefined;
    let hi: LinePoint | undefined;
    let prev = start;
    let t = t0;
    // Bracketing (N&W 3.5): grow the step until it overshoots or satisfies both conditions.
    for (;;) {
      const p = yield* tryStep(t);
      if (!armijo(p) || (evals > 1 && p.e.f >= prev.e.f) || !Number.isFinite(p.e.f)) {
        [lo, hi] = [prev, p];
        break;
      }
      if (curvature(p)) {
        accepted = p;
        break;
      }
      if (p.dg >= 0) {
        [lo, hi] = [p, prev];
        break;
      }
      if (evals >= maxLs) {
        accepted = p;
        break;
      }
      const next = cubicMinimizer(prev.t, prev.e.f, prev.dg, p.t, p.e.f, p.dg, p.t + 0.01 * (p.t - prev.t), p.t * 10);
      prev = p;
      t = next;
    }
    // Zoom (N&W 3.6): shrink [lo, hi] (lo: the best point satisfying sufficient decrease).
    if (!accepted) {
      for (;;) {
        const a = lo!;
        const b = hi!;
        const width = Math.abs(b.t - a.t);
        if (evals >= maxLs || width * maxAbs(d) < 1e-12) {
          accepted = a;
          break;
        }
        const left = Math.min(a.t, b.t);
        const right = Math.max(a.t, b.t);
        // Cubic (a quadratic when hi's value is not finite), kept 10% inside the interval.
        const guess = Number.isFinite(b.e.f) && Number.isFinite(b.dg) ? cubicMinimizer(a.t, a.e.f, a.dg, b.t, b.e.f, b.dg, left, right) : left + 0.5 * width;
        const p = yield* tryStep(Math.min(Math.max(guess, left + 0.1 * width), right - 0.1 * width));
        if (!armijo(p) || p.e.f >= a.e.f || !Number.isFinite(p.e.f)) {
          hi = p;
        } else {
          if (curvature(p)) {
            accepted = p;
            break;
          }
          if (p.dg * (b.t - a.t) >= 0) hi = a;
          lo = p;
        }
      }
    }
    if (accepted.t === 0 || accepted.e === cur) {
      // No progress along d: with history, retry downhill without it; without, hold.
      if (S.length === 0) {
        for (;;) cur = yield cur.x;
      }
      S.length = Y.length = rho.length = 0;
      continue;
    }
    const next = accepted.e;
    // Where the projection moved the accepted point off the asked one, that component is at a bound.
    const asked = accepted.asked!;
    for (let i = 0; i < bound.length; i++) {
      if (d[i] === 0) continue;
      const moved = asked[i]! - next.x[i]!;
      bound[i] = Math.abs(moved) > 1e-6 * Math.max(1, Math.abs(asked[i]!)) ? (Math.sign(moved) as -1 | 1) : 0;
    }
    const s = new Float64Array(cur.x.length);
    const y = new Float64Array(cur.x.length);
    for (let i = 0; i < s.length; i++) {
      s[i] = next.x[i]! - cur.x[i]!;
      y[i] = next.g[i]! - cur.g[i]!;
    }
    const ys = dot(y, s);
    if (ys > 1e-10) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / ys);
    }
    cur = next;
    counter.iterations++;
  }
}
