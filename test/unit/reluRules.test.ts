import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync, mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../src/engine/model/loadModel';
import { vanillaGradient } from '../../src/engine/methods/vanillaGradient';
import { guidedBackprop } from '../../src/engine/methods/guidedBackprop';
import { deconvnet } from '../../src/engine/methods/deconvnet';
import { gradCam } from '../../src/engine/methods/gradCam';
import { inputGradient } from '../../src/engine/methods/inputGradient';
import type { ReluRule } from '../../src/engine/model/loadedModel';
import { readReference, referenceFile, relL2 } from './support/reference';
import { saveToTempDir } from './support/tinyModels';
import { useWasm } from './support/backend';

const noop = () => {};
const signal = new AbortController().signal;

beforeAll(useWasm);

describe('ReLU rules by hand on a two-unit network', () => {
  // x (1×2×1) → Dense W (fused relu) → Dense v (linear). With x = [1, 1]:
  // z_j = Σ_i x_i W[i][j] = [1 + 2, −1 − 1] = [3, −2]: hidden unit 0 is active, unit 1 is not.
  const W = [
    [1, -1],
    [2, -1],
  ]; // W[i][j]: input i → hidden j; z = [3, −2]
  const v = [-0.5, 2]; // hidden → output
  let file: string;
  beforeAll(async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.flatten({ inputShape: [1, 2, 1], name: 'flat' }), tfl.layers.dense({ units: 2, activation: 'relu', name: 'hidden', useBias: false }), tfl.layers.dense({ units: 1, name: 'out', useBias: false })],
    });
    tf.tidy(() => {
      model.getLayer('hidden').setWeights([tf.tensor2d(W)]);
      model.getLayer('out').setWeights([tf.tensor2d(v.map((x) => [x]))]);
    });
    file = await saveToTempDir(model);
  });
  const x = () => tf.tensor4d([1, 1], [1, 1, 2, 1]);
  // Incoming gradient at the hidden ReLU is v = [−0.5, 2]; forward input z = [3, −2].
  // vanilla: g = (z>0)·v = [−0.5, 0] → dx = W g = [−0.5, −1]
  // guided: g = (z>0)·max(v,0) = [0, 0] → dx = [0, 0]
  // deconvnet: g = max(v,0) = [0, 2] → dx = W g = [−2, −2]
  it.each([
    ['vanilla', vanillaGradient, [-0.5, -1]],
    ['guided', guidedBackprop, [0, 0]],
    ['deconvnet', deconvnet, [-2, -2]],
  ] as const)('%s', async (_name, method, expected) => {
    const model = await loadModel(file);
    const input = x();
    const r = await method(model, input, { target: { kind: 'class', index: 0 } }, noop, signal);
    expect(Array.from(r.attribution.data)).toEqual(expected);
    input.dispose();
    model.dispose();
  });

  it('a rule is a hook: a new one applies to the fused ReLU without touching the forward pass', async () => {
    // "Absolute" rule, as an LRP-style rule would plug in: pass |dy| where z > 0.
    // g = (z>0)·|v| = [0.5, 0] → dx = W g = [0.5, 1]
    const absolute: ReluRule = { name: 'absolute', label: 'the absolute rule', gradient: (z, dy) => tf.mul(tf.abs(dy), tf.cast(tf.greater(z, 0), 'float32')) };
    const model = await loadModel(file);
    const input = x();
    const dx = inputGradient(model, input, { kind: 'class', index: 0 }, absolute);
    expect(Array.from(dx.dataSync())).toEqual([0.5, 1]);
    tf.dispose([dx, input]);
    model.dispose();
  });
});

describe('a ReLU fused into Conv2D is treated like a separate ReLU layer', () => {
  let fusedFile: string;
  beforeAll(() => {
    // model_a with relu1/relu2 folded into conv1/conv2 (same weights: Activation layers have none).
    const dir = mkdtempSync(path.join(tmpdir(), 'convscope-fused-'));
    const json = JSON.parse(readFileSync(referenceFile('model_a/model/model.json'), 'utf8'));
    const layers = json.modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];
    json.modelTopology.config.layers = layers.filter((l) => l.class_name !== 'Activation').map((l) => (l.class_name === 'Conv2D' ? { ...l, config: { ...l.config, activation: 'relu' } } : l));
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    copyFileSync(referenceFile('model_a/model/group1-shard1of1.bin'), path.join(dir, 'group1-shard1of1.bin'));
    fusedFile = path.join(dir, 'model.json');
  });

  it.each(['gradient_square', 'radial_bar'])('guided backprop, vanilla and deconvnet agree with the separate-ReLU model on %s', async (name) => {
    const fused = await loadModel(fusedFile);
    const separate = await loadModel(referenceFile('model_a/model/model.json'));
    const xr = readReference('model_a', name, 'input.json').x;
    const input = tf.tensor4d(xr.data, [1, 32, 32, 3]);
    const logits = readReference('model_a', name, 'logits.json');
    for (const t of [logits.targets.argmax, logits.targets.other] as number[]) {
      const target = { kind: 'class' as const, index: t };
      const guided = await guidedBackprop(fused, input, { target }, noop, signal);
      expect(relL2(guided.attribution.data, readReference('model_a', name, 'guided_backprop.json').targets[t].grad.data)).toBeLessThan(1e-3);
      const vanilla = await vanillaGradient(fused, input, { target }, noop, signal);
      expect(relL2(vanilla.attribution.data, readReference('model_a', name, 'saliency.json').targets[t].grad.data)).toBeLessThan(1e-3);
      const deconvFused = await deconvnet(fused, input, { target }, noop, signal);
      const deconvSeparate = await deconvnet(separate, input, { target }, noop, signal);
      expect(relL2(deconvFused.attribution.data, deconvSeparate.attribution.data)).toBeLessThan(1e-6);
      expect(relL2(deconvFused.attribution.data, vanilla.attribution.data)).toBeGreaterThan(0.05);
      // The last conv layer now outputs post-ReLU values: its Grad-CAM is model_a's relu2 map.
      const cam = await gradCam(fused, input, { target }, noop, signal);
      expect(cam.details.layer).toBe('conv2');
      expect(relL2(cam.extra!.mapNoRelu!.data, readReference('model_a', name, 'gradcam.json').targets[t].relu2.map_no_relu.data)).toBeLessThan(1e-3);
    }
    input.dispose();
    fused.dispose();
    separate.dispose();
  });
});
