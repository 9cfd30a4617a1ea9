// One list of method descriptors drives the engine's dispatch, the CLI's flags and --help and the
// protocol's method list: a method registered at test time, and named nowhere else, shows up in all.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { parseCommandLine } from '../../src/engine/cli/args';
import { methodFlagNames, methodOptionsFromFlags, methodsHelp } from '../../src/engine/cli/methodFlags';
import { optionDefaults, type MethodDescriptor } from '../../src/engine/methods/descriptor';
import type { LoadedModel, ReluRule } from '../../src/engine/model/loadedModel';
import { gradientDescriptor } from '../../src/engine/methods/gradientSaliency';
import { attributionMethod, attributionMethodNames, attributionMethods, registerAttributionMethod } from '../../src/engine/methods/catalog';
import { createHandlers } from '../../src/engine/service/handlers';
import { ModelCache } from '../../src/engine/service/modelCache';
import type { SaliencyParams } from '../../src/shared/engineProtocol';
import { useWasm } from './support/backend';
import { referenceFile } from './support/reference';

beforeAll(useWasm);

/** A throw-away method: its map is `level` everywhere, and it claims `level` forward passes. */
const flat: MethodDescriptor<{ level?: number }> = {
  name: 'flat-test',
  label: 'Flat test',
  hint: 'the same value at every pixel',
  options: { level: { type: 'int', default: 3, min: 1, max: 9, cliFlag: 'flat-level', label: 'Level', hint: 'the value' } },
  cost: (o) => ({ forwardPasses: o.level ?? 3, backwardPasses: 0, summary: `level ${o.level ?? 3}` }),
  run: async (ctx, o) => {
    const { height: H, width: W, channels: C } = ctx.model.inputShape;
    const level = o.level ?? 3;
    return {
      method: 'flat-test',
      target: { kind: 'class', index: 0 },
      attribution: { shape: [H, W, C], data: new Float32Array(H * W * C).fill(level) },
      map: { shape: [H, W], data: new Float32Array(H * W).fill(level) },
      signedMap: false,
      details: { level },
    };
  },
  result: 'attribution',
};

let unregister: (() => void) | undefined;
afterEach(() => {
  unregister?.();
  unregister = undefined;
});

describe('a method registered at test time', () => {
  const model = referenceFile('model_a/model/model.json');
  const image = referenceFile('model_a/radial_bar/input.png');

  it('is dispatched, planned and validated by the engine handlers', async () => {
    const handlers = createHandlers(new ModelCache({ capacity: 1 }));
    const params = (options?: SaliencyParams['options']): SaliencyParams => ({ model, image, method: 'flat-test', options });
    const job = { signal: new AbortController().signal, progress: () => {} };
    await expect(handlers.saliencyPlan(params())).rejects.toThrow(/unknown saliency method 'flat-test'/);
    unregister = registerAttributionMethod(flat);
    expect(await handlers.saliencyPlan(params({ level: 5 }))).toEqual({ forwardPasses: 5, backwardPasses: 0, summary: 'level 5' });
    // The model is loaded and cached now: what the run allocates must all be freed.
    const before = tf.memory().numTensors;
    const r = await handlers.saliency(params({ level: 7 }), job);
    expect(r.method).toBe('flat-test');
    expect(new Set(r.map.data)).toEqual(new Set([7]));
    await expect(handlers.saliency(params({ level: 10 }), job)).rejects.toThrow(/flat test level must be an integer in \[1, 9\]; got 10/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is listed, with its label, hint, option schema and cost at its defaults, in the model info the host gets', async () => {
    const handlers = createHandlers(new ModelCache({ capacity: 1 }));
    const names = async () => ((await handlers.modelInfo({ model })).methods ?? []).map((m) => m.name);
    expect(await names()).not.toContain('flat-test');
    unregister = registerAttributionMethod(flat);
    expect(await names()).toEqual([...attributionMethodNames()]);
    const listed = (await handlers.modelInfo({ model })).methods?.find((m) => m.name === 'flat-test');
    expect(listed).toEqual({ name: 'flat-test', label: 'Flat test', hint: 'the same value at every pixel', options: flat.options, result: 'attribution', defaultCost: { forwardPasses: 3, backwardPasses: 0, summary: 'level 3' } });
  });

  it('gets its CLI flag, parsed and range-checked from its schema, and a line in --help', () => {
    expect(() => parseCommandLine(['saliency', '--flat-level', '4'], methodFlagNames())).toThrow(/unknown option '--flat-level'/);
    unregister = registerAttributionMethod(flat);
    expect(attributionMethodNames()).toContain('flat-test');
    const { flags } = parseCommandLine(['saliency', '--method', 'flat-test', '--flat-level', '4'], methodFlagNames());
    expect(methodOptionsFromFlags(attributionMethod('flat-test'), flags, false)).toEqual({ level: 4 });
    const tooHigh = parseCommandLine(['saliency', '--flat-level', '12'], methodFlagNames()).flags;
    expect(() => methodOptionsFromFlags(attributionMethod('flat-test'), tooHigh, false)).toThrow(/--flat-level must be an integer in \[1, 9\]; got '12'/);
    expect(methodsHelp('')).toContain('flat-test: --flat-level 1..9 (3)');
  });
});

describe('a gradient method registered at test time', () => {
  const model = referenceFile('model_a/model/model.json');
  const image = referenceFile('model_a/radial_bar/input.png');
  // An LRP-style rule as a plug-in would add one: pass |dy| wherever the ReLU's input was positive.
  const absoluteRule: ReluRule = { name: 'absolute-test', label: 'the absolute test rule', gradient: (z, dy) => tf.mul(tf.abs(dy), tf.cast(tf.greater(z, 0), 'float32')) };
  const absolute = gradientDescriptor('absolute-test', 'Absolute test', '|gradient| through positive ReLUs', absoluteRule);

  it('can be smoothed by SmoothGrad by name (its base choices are read from the registry)', async () => {
    const handlers = createHandlers(new ModelCache({ capacity: 1 }));
    const job = { signal: new AbortController().signal, progress: () => {} };
    const smoothed = (base: string) => handlers.saliency({ model, image, method: 'smoothgrad', options: { base, sigma: 0, samples: 2 } }, job);
    await expect(smoothed('absolute-test')).rejects.toThrow(/smoothgrad base must be one of vanilla, guided, deconvnet; got "absolute-test"/);
    unregister = registerAttributionMethod(absolute);
    expect(attributionMethod('smoothgrad').options.base?.choices).toContain('absolute-test');
    const alone = await handlers.saliency({ model, image, method: 'absolute-test' }, job);
    const vanilla = await handlers.saliency({ model, image, method: 'vanilla' }, job);
    // The rule matters on this model (otherwise the test could not tell the bases apart) …
    expect(Array.from(alone.map.data)).not.toEqual(Array.from(vanilla.map.data));
    // … and with no noise, the mean of two samples is the wrapped method's own attribution.
    const before = tf.memory().numTensors;
    const mean = await smoothed('absolute-test');
    expect(tf.memory().numTensors).toBe(before);
    expect(mean.details.base).toBe('absolute-test');
    const got = Array.from(mean.map.data);
    Array.from(alone.map.data).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });
});

describe('the registered methods', () => {
  it('have unique names, and a CLI flag shared by two methods means the same kind of value in both', () => {
    const names = attributionMethodNames();
    expect(new Set(names).size).toBe(names.length);
    const kinds = new Map<string, string>();
    for (const d of attributionMethods()) {
      for (const spec of Object.values(d.options)) {
        const kind = JSON.stringify([spec.type, spec.choices ?? null]);
        expect(kinds.get(spec.cliFlag) ?? kind, `--${spec.cliFlag} of ${d.name}`).toBe(kind);
        kinds.set(spec.cliFlag, kind);
      }
    }
  });

  it('plan the same cost with no options as with their schema defaults (the fallbacks in the code agree with the schema)', () => {
    const layer = (name: string, outputShape: number[]) => ({ name, type: 'Conv2D', outputShape, params: 0, isConv: true });
    const model = { inputShape: { height: 32, width: 32, channels: 3 }, layers: [layer('conv1', [30, 30, 4])] } as unknown as LoadedModel;
    for (const d of attributionMethods()) expect(d.cost({}, model), d.name).toEqual(d.cost(optionDefaults(d), model));
  });

  it('have defaults inside their own ranges and choices', () => {
    for (const d of attributionMethods()) {
      for (const [key, spec] of Object.entries(d.options)) {
        if (spec.default === undefined) continue;
        if (spec.type === 'choice') expect(spec.choices, `${d.name}.${key}`).toContain(spec.default);
        if (spec.min !== undefined) expect(spec.default, `${d.name}.${key}`).toBeGreaterThanOrEqual(spec.min);
        if (spec.max !== undefined) expect(spec.default, `${d.name}.${key}`).toBeLessThanOrEqual(spec.max);
      }
    }
  });
});
