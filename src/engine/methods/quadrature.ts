/**
 * Points α_k in [0, 1] and weights w_k for ∫₀¹ f(α) dα ≈ Σ w_k f(α_k), as Captum's approximation
 * methods define them (integrated gradients uses these along the path baseline → input).
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

/** Gauss–Legendre nodes (ascending) and weights on [−1, 1], by Newton's method on P_n. */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n);
  const weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      // Recurrence (k+1)P_{k+1} = (2k+1)xP_k − kP_{k−1}.
      let p0 = 1;
      let p1 = x;
      for (let k = 1; k < n; k++) [p0, p1] = [p1, ((2 * k + 1) * x * p1 - k * p0) / (k + 1)];
      if (n === 1) [p0, p1] = [1, x];
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    if (n === 1) dp = 1;
    const w = 2 / ((1 - x * x) * dp * dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}
