// A method's defaults are written once, in its option schema: its run and its cost read them
// there (changing the schema's default changes what an option-less run does).
import { afterEach, beforeAll, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { attributionMethod } from '../../src/engine/methods/catalog';
import type { OptionSpec } from '../../src/engine/methods/descriptor';
import { useWasm } from './support/backend';
import { referenceFile } from './support/reference';

let model: LoadedModel;
let x: tf.Tensor4D;
const restore: Array<() => void> = [];

beforeAll(async () => {
  await useWasm();
  model = await loadModel(referenceFile('model_a/model/model.json'));
  x = tf.tidy(() => tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D);
});

afterEach(() => restore.splice(0).forEach((f) => f()));

/** Sets a schema default for this test only. */
function setDefault(method: string, key: string, value: number | string): void {
  const spec = attributionMethod(method).options[key] as OptionSpec;
  const old = spec.default;
  spec.default = value;
  restore.push(() => (spec.default = old));
}

const run = (method: string) => attributionMethod(method).run({ model, input: x, progress: () => {}, signal: new AbortController().signal }, {});

it.each([
  ['smoothgrad', 'samples', 3, 'backwardPasses'],
  ['integrated-gradients', 'steps', 4, 'steps'],
  ['occlusion', 'window', 16, 'window'],
] as const)('%s without options uses its schema default %s', async (method, key, value, detail) => {
  setDefault(method, key, value);
  expect((await run(method)).details[detail]).toBe(value);
  // Occlusion: windows of 16 at the default stride 4 on 32 pixels start at 0, 4, 8, 12, 16: 5 × 5.
  const cost = attributionMethod(method).cost({}, model);
  expect(cost.summary).toMatch(method === 'occlusion' ? /^25 windows/ : new RegExp(`^${value} `));
});
