// ONNX (issue 12): torchvision's ResNet-18 with seeded weights, exported by PyTorch, against Captum.
// The graph (resnet18.onnx, external data), the weights' manifest and Captum's values are made by
// scripts/fixtures/onnx/make_resnet18_captum.py; the 47 MB weights file is not committed but drawn
// from the manifest's seeded ranges by scripts/lib/seededWeights.ts (`npm run models`, or here if
// missing; its SHA-256 is checked). Tolerances are those of ../shared/reference/README.md.
// The input puts every pre-ReLU value ≥ 2.6e-5 away from zero (captum.json diagnostics), so float32
// summation order cannot flip a ReLU's gradient at x.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { predict } from '../../src/engine/methods/predict';
import { vanillaGradient } from '../../src/engine/methods/vanillaGradient';
import { guidedBackprop } from '../../src/engine/methods/guidedBackprop';
import { occlusion } from '../../src/engine/methods/occlusion';
import { integratedGradients } from '../../src/engine/methods/integratedGradients';
import { gradCam } from '../../src/engine/methods/gradCam';
import { ensureSeededWeights } from '../../scripts/lib/seededWeights';
import { maxAbs as maxAbsOf, relL2 as relL2Of, type RefArray } from './support/reference';
import { useWasm } from './support/backend';

const tol = { logits: 1e-4, gradient: 1e-3, gradcam: 1e-3, occlusion: 1e-3, ig: 1e-3 };
const dir = path.resolve(__dirname, '../fixtures/onnx/resnet18');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ref: any = JSON.parse(readFileSync(path.join(dir, 'captum.json'), 'utf8'));
const noop = () => {};
// The measured errors, printed with CONVSCOPE_REPORT=1 (for the README's numbers).
const measured: string[] = [];
const relL2 = (a: ArrayLike<number>, b: ArrayLike<number>) => record('relL2', relL2Of(a, b));
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => record('maxAbs', maxAbsOf(a, b));
function record(metric: string, v: number): number {
  measured.push(`${expect.getState().currentTestName?.split(' > ').pop()?.slice(0, 24)} ${metric} ${v.toExponential(1)}`);
  return v;
}
afterAll(() => {
  if (process.env.CONVSCOPE_REPORT) console.log(measured.join('\n'));
});
const signal = new AbortController().signal;
const target = { kind: 'class' as const, index: ref.target as number };

let model: LoadedModel;
let x: tf.Tensor4D;
beforeAll(async () => {
  ensureSeededWeights(path.join(dir, 'weights.json'));
  await useWasm();
  model = await loadModel(path.join(dir, 'resnet18.onnx'));
  const px = ref.input.pixels_uint8 as RefArray;
  x = tf.tensor4d(
    px.data.map((v) => v / 255),
    [1, ...px.shape] as [number, number, number, number],
  );
}, 60_000);

describe('seeded ResNet-18 (ONNX, batch norm, residual adds) matches Captum 0.8.0', () => {
  it('loads with its external weights: 48×48 input, 1000 classes, the layer4 output addressable', () => {
    expect(model.kind).toBe('onnx');
    expect(model.inputShape).toEqual({ height: 48, width: 48, channels: 3 });
    expect(model.numClasses).toBe(1000);
    expect(ref.diagnostics.min_abs_pre_relu_at_x).toBeGreaterThan(1e-5);
  });

  it('logits', async () => {
    const p = await predict(model, x, {}, noop, signal);
    expect(maxAbs(p.logits.data, ref.logits)).toBeLessThan(tol.logits);
    expect(p.top[0]!.index).toBe(ref.target);
  });

  it('vanilla gradient (Saliency, abs=False) and guided backprop (every Relu node, also a reused ReLU module)', async () => {
    const v = await vanillaGradient(model, x, { target }, noop, signal);
    expect(relL2(v.attribution.data, ref.saliency.data)).toBeLessThan(tol.gradient);
    const g = await guidedBackprop(model, x, { target }, noop, signal);
    expect(relL2(g.attribution.data, ref.guided_backprop.data)).toBeLessThan(tol.gradient);
    expect(relL2(g.attribution.data, ref.saliency.data)).toBeGreaterThan(0.05);
  });

  it('occlusion: window deltas and the per-pixel attribution (logit)', async () => {
    const o = ref.occlusion;
    const r = await occlusion(model, x, { target, window: o.window, stride: o.stride, baseline: o.baseline, output: o.output }, noop, signal);
    expect(r.details.forwardPasses).toBe(o.window_starts.length ** 2 + 1);
    expect(relL2(r.extra!.windowDeltas!.data, o.window_deltas.data)).toBeLessThan(tol.occlusion);
    // The value is the same for the 3 channels of a pixel; Captum's map is one channel of it.
    const perPixel = Array.from({ length: r.attribution.data.length / 3 }, (_, i) => r.attribution.data[i * 3]!);
    expect(relL2(perPixel, o.attribution_per_pixel.data)).toBeLessThan(tol.occlusion);
  });

  it('integrated gradients (Gauss–Legendre)', async () => {
    const ig = ref.integrated_gradients;
    const r = await integratedGradients(model, x, { target, steps: ig.steps, rule: ig.rule }, noop, signal);
    expect(relL2(r.attribution.data, ig.attribution.data)).toBeLessThan(tol.ig);
    expect(r.details.fX as number).toBeCloseTo(ig.f_x, 3);
    expect(r.details.sumAttribution as number).toBeCloseTo(ig.sum_attribution, 2);
  });

  it('Grad-CAM at layer4 (by node name and by output name)', async () => {
    const cam = ref.gradcam;
    for (const layer of [cam.layer.node, cam.layer.output]) {
      const r = await gradCam(model, x, { target, layer }, noop, signal);
      expect(r.map.shape).toEqual([48, 48]); // shown upsampled; the attribution is at layer resolution
      expect(r.attribution.shape).toEqual(cam.map.shape);
      expect(relL2(r.extra!.channelWeights!.data, cam.channel_weights), layer).toBeLessThan(tol.gradcam);
      expect(relL2(r.extra!.mapNoRelu!.data, cam.map_no_relu.data), layer).toBeLessThan(tol.gradcam);
      expect(relL2(r.attribution.data, cam.map.data), layer).toBeLessThan(tol.gradcam);
    }
  });
});
