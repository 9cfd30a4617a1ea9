// Synthesis on InceptionV3 (`npm run bench`): one DeepDream step at 299² and one feature-inversion
// step, each against one forward + input gradient of the same objective on the same truncated
// network and size (what the step cannot avoid). The rest is the loop: transforms,
// the parameterization, the optimizer, the projections, the term read-back. Also one Gatys style
// iteration at 256², timed on its own.
import * as tf from '../src/engine/tf';
import type { LoadedModel } from '../src/engine/model/loadedModel';
import { featureDistance, layerL2, type Objective } from '../src/engine/objectives';
import { adam, gradientAscent } from '../src/engine/synthesis/optimizers';
import { initialPixels, pixelParameterization } from '../src/engine/synthesis/parameterization';
import { totalVariation } from '../src/engine/synthesis/regularizers';
import { render, type RenderSpec } from '../src/engine/synthesis/renderLoop';
import { randomRoll } from '../src/engine/synthesis/transforms';
import { defaultContentLayer } from '../src/engine/synthesis/style';
import { contentTerm, gramTargets, gramTerms } from '../src/engine/synthesis/styleLoss';
import { defaultTextureLayers } from '../src/engine/synthesis/texture';
import type { Stat } from './timing';

export interface SynthesisBenchDeps {
  timedTogether(section: string, items: { label: string; fn: () => unknown }[], n: number): Promise<Stat[]>;
  ratio(name: string, a: Stat, b: Stat, extra?: string, target?: string): void;
  note(line: string): void;
}

const never = new AbortController().signal;

/** One render step of `make()`'s spec, its image read back (as a preview or the result would be). */
async function oneStep(make: () => RenderSpec): Promise<void> {
  const spec = make();
  try {
    const r = await render(spec, { signal: never });
    r.image.dataSync();
    r.image.dispose();
  } finally {
    spec.parameterization.dispose();
  }
}

/** ∂objective/∂x at x, forward only up to the objective's layers, read back: the floor of a step. */
function forwardAndGradient(model: LoadedModel, x: tf.Tensor4D, objective: Objective): void {
  const g = tf.grad((input: tf.Tensor) => tf.sum(objective.score(model.forward(input as tf.Tensor4D, { capture: objective.layers, stopAtCaptured: true }))))(x);
  g.dataSync();
  g.dispose();
}

/** Returns the Gatys iteration's timing (the style bench reads its other figures against it). */
export async function benchSynthesis(model: LoadedModel, deps: SynthesisBenchDeps, runs: number): Promise<Stat> {
  const size = 299;
  const section = `InceptionV3 ${size}² synthesis`;
  const x = tf.tidy(() => tf.add(initialPixels(size, size, 3, 1, 0.1), 0.5) as tf.Tensor4D);
  const dreamObjective = layerL2('mixed3');
  const dream = (): RenderSpec => ({
    model,
    parameterization: pixelParameterization(size, size, 3),
    init: initialPixels(size, size, 3, 1, 0.1),
    terms: [{ name: 'L2 of mixed3', weight: 1, objective: dreamObjective }],
    transforms: [randomRoll(32)],
    optimizer: gradientAscent(0.01, 'mean-abs'),
    steps: 1,
    seed: 1,
  });
  const target = tf.tidy(() => model.forward(x, { capture: ['mixed2'], stopAtCaptured: true }).captured.get('mixed2')!);
  const inversionObjective = featureDistance('mixed2', target);
  const invert = (): RenderSpec => ({
    model,
    parameterization: pixelParameterization(size, size, 3),
    init: initialPixels(size, size, 3, 2, 0.1),
    terms: [{ name: 'feature error²', weight: -1, objective: inversionObjective }],
    penalties: [{ name: 'total variation', weight: 0.5, penalty: (img) => totalVariation(img, 2) }],
    optimizer: adam(0.05),
    steps: 1,
    seed: 1,
  });
  try {
    const [dreamStep, dreamFloor] = await deps.timedTogether(section, [
      { label: 'DeepDream step (mixed3, roll, normalized ascent)', fn: () => oneStep(dream) },
      { label: 'forward + input gradient to mixed3', fn: () => forwardAndGradient(model, x, dreamObjective) },
    ], runs);
    deps.ratio(`InceptionV3 ${size}² DeepDream step ÷ forward + input gradient`, dreamStep!, dreamFloor!, `; ${(1000 / dreamStep!.median).toFixed(2)} steps/s`, '≤ 1.2');
    const [invertStep, invertFloor] = await deps.timedTogether(section, [
      { label: 'inversion step (mixed2, TV, Adam)', fn: () => oneStep(invert) },
      { label: 'forward + input gradient to mixed2', fn: () => forwardAndGradient(model, x, inversionObjective) },
    ], runs);
    deps.ratio(`InceptionV3 ${size}² inversion step ÷ forward + input gradient`, invertStep!, invertFloor!, `; ${(1000 / invertStep!.median).toFixed(2)} steps/s`, '≤ 1.2');
    return await benchGatys(model, deps, runs);
  } finally {
    tf.dispose([x, target]);
  }
}

/** One Gatys style-transfer iteration at 256² (content + five Gram layers + TV, softmax smoothing), as `style` runs it. */
export async function benchGatys(model: LoadedModel, deps: SynthesisBenchDeps, runs: number, label = 'Gatys iteration (content mixed3 + 5 Gram layers + TV)'): Promise<Stat> {
  const size = 256;
  const content = tf.tidy(() => tf.add(initialPixels(size, size, 3, 3, 0.1), 0.5) as tf.Tensor4D);
  const style = tf.tidy(() => tf.add(initialPixels(size, size, 3, 4, 0.2), 0.5) as tf.Tensor4D);
  const layers = defaultTextureLayers(model);
  const grams = gramTargets(model, style, layers, 'softmax');
  const { term, target } = contentTerm(model, content, defaultContentLayer(model), 'softmax', 1);
  const terms = [term, ...gramTerms(grams, new Map(layers.map((l) => [l, 10 / layers.length])), 'softmax')];
  const gatys = (): RenderSpec => ({
    model,
    parameterization: pixelParameterization(size, size, 3),
    init: tf.tidy(() => tf.sub(content, 0.5)),
    terms,
    penalties: [{ name: 'total variation', weight: 1, penalty: (img) => totalVariation(img, 2) }],
    optimizer: adam(0.02),
    steps: 1,
    seed: 1,
  });
  try {
    const [step] = await deps.timedTogether(`InceptionV3 ${size}² style`, [{ label, fn: () => oneStep(gatys) }], runs);
    deps.note(`InceptionV3 ${size}² ${label}: ${step!.median.toFixed(0)} ms wall, ${step!.cpuMedian.toFixed(0)} ms CPU (${(1000 / step!.median).toFixed(2)} iterations/s)`);
    return step!;
  } finally {
    tf.dispose([content, style, target, ...grams.values()]);
  }
}
