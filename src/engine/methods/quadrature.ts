/**
 * Points α_k in [0, 1] and weights w_k for ∫₀¹ f(α) dα ≈ Σ w_k f(α_k), as Captum's approximation
 * methods define them (path methods use these along the path baseline → input).
 */
export type IntegrationRule = 'gausslegendre' | 'riemann_trapezoid' | 'riemann_left' | 'riemann_right' | 'riemann_middle';

export const integrationRules: IntegrationRule[] = ['gausslegendre', 'riemann_trapezoid', 'riemann_left', 'riemann_right', 'riemann_middle'];

export function quadrature(rule: IntegrationRule, n: number): { alphas: number[]; weights: number[] } {
  if (rule === 'gausslegendre') {
    const { nodes, weights } = gaussLegendre(n);
    return { alphas: nodes.map((p) => (1 + p) / 2), weights: weights.map((v) => v / 2) };
  }
  const range = (f: (k: number) => number) => Array.from({ length: n }, (_, k) => f(k));
  if (rule === 'riemann_trapezoid') {
    // Captum's quirk, kept for agreement: weights 1/n with both ends halved, so Σw = (n−1)/n.
    const weights = range((k) => (k === 0 || k === n - 1 ? 0.5 / n : 1 / n));
    return { alphas: range((k) => (n === 1 ? 0 : k / (n - 1))), weights };
  }
  const offset = rule === 'riemann_left' ? 0 : rule === 'riemann_right' ? 1 : 0.5;
  return { alphas: range((k) => (k + offset) / n), weights: range(() => 1 / n) };
}

/**
 * Gauss–Legendre nodes (ascending) and weights on [−1, 1], by Newton's method on P_n from
 * Tricomi's asymptotic first guess, which is already within ~n⁻⁴ of the root, so one or two
 * steps suffice. Each step evaluates P_n by its O(n) recurrence: O(n²) in all, about 25–50 ms at
 * n = 4096 (the largest step count we accept), which keeps the computation between two
 * cancellation checks short without an O(n) asymptotic scheme.
 */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  // Recurrence (k+1)P_{k+1} = (2k+1)xP_k − kP_{k−1}, with its coefficients divided out once.
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let k = 1; k < n; k++) [a[k], b[k]] = [(2 * k + 1) / (k + 1), k / (k + 1)];
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = n === 1 ? 0 : (1 - (n - 1) / (8 * n * n * n)) * Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 20 && n > 1; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 1; k < n; k++) {
        const p2 = a[k]! * x * p1 - b[k]! * p0;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      // A fixed 1e-16 is below the spacing of doubles near ±1 and never met there.
      if (Math.abs(dx) <= 1e-15) break;
    }
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}
