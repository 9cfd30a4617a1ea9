import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { predict } from '../../src/engine/methods/predict';
import { activations } from '../../src/engine/methods/activations';
import { gram } from '../../src/engine/methods/gram';
import { vanillaGradient } from '../../src/engine/methods/vanillaGradient';
import { guidedBackprop } from '../../src/engine/methods/guidedBackprop';
import { occlusion } from '../../src/engine/methods/occlusion';
import { integratedGradients } from '../../src/engine/methods/integratedGradients';
import { gradCam } from '../../src/engine/methods/gradCam';
import type { IntegrationRule } from '../../src/engine/methods/quadrature';
import { maxAbs, readReference, referenceFile, relL2 } from './support/reference';
import { useWasm } from './support/backend';

// Tolerances from shared/reference/README.md (float32 tool vs float64 reference). IG uses the
// gradient tolerance: with the first-max MaxPoolGrad we measured 5e-5 (Gauss–Legendre) and 3e-7.
const tol = { logits: 1e-4, probs: 1e-5, activations: 1e-5, gradient: 1e-3, gradcam: 1e-3, occlusion: 1e-3, ig: 1e-3 };
const noop = () => {};
const signal = new AbortController().signal;

let model: LoadedModel;
beforeAll(async () => {
  await useWasm();
  model = await loadModel(referenceFile('model_a/model/model.json'));
});

/** Runs a method and checks it leaves no tensor behind. */
async function noLeak<R>(run: () => Promise<R>): Promise<R> {
  const before = tf.memory().numTensors;
  const result = await run();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe.each(['gradient_square', 'radial_bar'])('model_a on %s matches PyTorch/Captum', (name) => {
  const ref = (file: string) => readReference('model_a', name, `${file}.json`);
  const input = () => {
    const x = ref('input').x;
    return tf.tensor4d(x.data, [1, ...x.shape] as [number, number, number, number]);
  };
  const logits = () => ref('logits');
  const targets = () => [logits().targets.argmax, logits().targets.other] as number[];

  it('predict: logits and probabilities', async () => {
    const x = input();
    const p = await noLeak(() => predict(model, x, {}, noop, signal));
    expect(maxAbs(p.logits.data, logits().logits.data)).toBeLessThan(tol.logits);
    expect(maxAbs(p.probabilities.data, logits().probs.data)).toBeLessThan(tol.probs);
    expect(p.top[0]!.index).toBe(logits().argmax);
    x.dispose();
  });

  it('activations and Gram matrices of every layer', async () => {
    const x = input();
    const acts = ref('activations').layers as Record<string, { shape: number[]; data: number[] }>;
    for (const [layer, expected] of Object.entries(acts)) {
      const a = await noLeak(() => activations(model, x, { layer }, noop, signal));
      expect(a.activation.shape, layer).toEqual(expected.shape);
      expect(relL2(a.activation.data, expected.data), layer).toBeLessThan(tol.activations);
    }
    for (const [layer, expected] of Object.entries(ref('gram').layers as Record<string, { gram: { data: number[] } }>)) {
      const g = await noLeak(() => gram(model, x, { layer }, noop, signal));
      expect(relL2(g.gram.data, expected.gram.data), layer).toBeLessThan(tol.activations);
    }
    x.dispose();
  });

  it('vanilla gradient and guided backprop for both targets', async () => {
    const x = input();
    for (const t of targets()) {
      const target = { kind: 'class' as const, index: t };
      const v = await noLeak(() => vanillaGradient(model, x, { target }, noop, signal));
      const vr = ref('saliency').targets[t];
      expect(relL2(v.attribution.data, vr.grad.data)).toBeLessThan(tol.gradient);
      expect(relL2(v.map.data, vr.map.data)).toBeLessThan(tol.gradient);
      const g = await noLeak(() => guidedBackprop(model, x, { target }, noop, signal));
      const gr = ref('guided_backprop').targets[t];
      expect(relL2(g.attribution.data, gr.grad.data)).toBeLessThan(tol.gradient);
      expect(relL2(g.map.data, gr.map.data)).toBeLessThan(tol.gradient);
      // Guided must differ from vanilla on this model, or the ReLU rule was not applied.
      expect(relL2(g.attribution.data, vr.grad.data)).toBeGreaterThan(0.05);
    }
    x.dispose();
  });

  it('occlusion: window deltas and attributions, logit and probability', async () => {
    const x = input();
    for (const t of targets()) {
      for (const [key, expected] of Object.entries(ref('occlusion').targets[t] as Record<string, any>)) {
        if (key === 'role') continue;
        const o = await noLeak(() => occlusion(model, x, { target: { kind: 'class', index: t }, window: expected.window[0], stride: expected.stride[0], baseline: expected.baseline, output: expected.output }, noop, signal));
        expect(relL2(o.extra!.windowDeltas!.data, expected.window_deltas.data), key).toBeLessThan(tol.occlusion);
        expect(relL2(o.attribution.data, expected.attribution.data), key).toBeLessThan(tol.occlusion);
        expect(o.details.forwardPasses).toBe(expected.window_rows.length * expected.window_cols.length + 1);
      }
    }
    x.dispose();
  });

  it('integrated gradients, Gauss–Legendre and Captum trapezoid', async () => {
    const x = input();
    for (const t of targets()) {
      for (const rule of ['gausslegendre', 'riemann_trapezoid'] as IntegrationRule[]) {
        const expected = ref('integrated_gradients').targets[t][rule];
        const ig = await noLeak(() => integratedGradients(model, x, { target: { kind: 'class', index: t }, steps: 50, rule }, noop, signal));
        expect(relL2(ig.attribution.data, expected.attribution.data), rule).toBeLessThan(tol.ig);
        expect(ig.details.fX as number).toBeCloseTo(expected.f_x, 4);
        expect(ig.details.sumAttribution as number).toBeCloseTo(expected.sum_attribution, 2);
      }
    }
    x.dispose();
  });

  it('Grad-CAM at conv2 (the default, last conv) and relu2', async () => {
    const x = input();
    for (const t of targets()) {
      const byLayer = ref('gradcam').targets[t];
      const def = await noLeak(() => gradCam(model, x, { target: { kind: 'class', index: t } }, noop, signal));
      expect(def.details.layer).toBe('conv2');
      for (const layer of ['conv2', 'relu2']) {
        const cam = await noLeak(() => gradCam(model, x, { target: { kind: 'class', index: t }, layer }, noop, signal));
        expect(relL2(cam.extra!.channelWeights!.data, byLayer[layer].channel_weights.data ?? byLayer[layer].channel_weights), layer).toBeLessThan(tol.gradcam);
        expect(relL2(cam.extra!.mapNoRelu!.data, byLayer[layer].map_no_relu.data), layer).toBeLessThan(tol.gradcam);
        if (Math.max(...byLayer[layer].map.data) > 0) expect(relL2(cam.attribution.data, byLayer[layer].map.data), layer).toBeLessThan(tol.gradcam);
        expect(cam.map.shape).toEqual([32, 32]);
      }
    }
    x.dispose();
  });

  it('neuron saliency: mean of relu2 channel 3, raw and guided', async () => {
    const x = input();
    const expected = ref('neuron_saliency');
    const target = { kind: 'neuron' as const, layer: 'relu2', channel: 3 };
    const raw = await noLeak(() => vanillaGradient(model, x, { target }, noop, signal));
    expect(relL2(raw.attribution.data, expected.raw.data)).toBeLessThan(tol.gradient);
    expect(relL2(raw.map.data, expected.raw_map.data)).toBeLessThan(tol.gradient);
    const guided = await noLeak(() => guidedBackprop(model, x, { target }, noop, signal));
    expect(relL2(guided.attribution.data, expected.guided.data)).toBeLessThan(tol.gradient);
    x.dispose();
  });
});
