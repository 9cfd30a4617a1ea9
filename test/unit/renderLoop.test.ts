// The render loop on the bundled digits model: it climbs its objective, repeats itself for a seed
// (also after the wasm heap grew), stops with the image so far, and leaves no tensor behind after
// a run, a stop, a cancel or an error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { render, type RenderSpec } from '../../src/engine/synthesis/renderLoop';
import { visualizationSpec } from '../../src/engine/synthesis/activationMaximization';
import { presets, type PresetName } from '../../src/engine/synthesis/presets';
import { CancelledError } from '../../src/engine/methods/types';
import { growHeap, heapBytes } from './support/heapGrowth';
import { useWasm } from './support/backend';

const digits = path.resolve(__dirname, '../../models/mnist-cnn/model.json');
let model: LoadedModel;

beforeAll(async () => {
  await useWasm();
  model = await loadModel(digits);
});
afterAll(() => model.dispose());

const never = new AbortController().signal;

function spec(preset: PresetName, steps: number, seed = 1, target: { kind: 'class'; index: number } | { kind: 'channel'; layer: string; channel: number } = { kind: 'class', index: 3 }): RenderSpec {
  return visualizationSpec(model, { target, preset: presets[preset], steps, height: 28, width: 28, seed });
}

/** Makes a spec and runs it to its image's values, freeing everything; the tensor count must not move. */
async function run(make: () => RenderSpec, control: Partial<Parameters<typeof render>[1]> = {}) {
  const before = tf.memory().numTensors;
  const s = make();
  try {
    const r = await render(s, { signal: never, ...control });
    const image = Array.from(r.image.dataSync());
    r.image.dispose();
    return { ...r, image };
  } finally {
    s.parameterization.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }
}

describe('the render loop', () => {
  it.each(['simonyan', 'yosinski-3', 'lucid'] as const)('climbs a class score with the %s preset', async (preset) => {
    const r = await run(() => spec(preset, 40));
    const first = r.curve[0]!.terms['class 3 logit']!;
    const last = r.curve[r.curve.length - 1]!.terms['class 3 logit']!;
    expect(r.stepsDone).toBe(40);
    expect(last).toBeGreaterThan(first + 2);
    // Display images stay displayable.
    expect(Math.min(...r.image)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...r.image)).toBeLessThanOrEqual(1);
  });

  it('climbs a channel mean at a size the dense head cannot take (the forward pass stops at the layer)', async () => {
    const conv = model.layers.find((l) => l.isConv)!;
    const r = await run(() => visualizationSpec(model, { target: { kind: 'channel', layer: conv.name, channel: 1 }, preset: presets.lucid, steps: 20, height: 40, width: 40, seed: 2 }));
    expect(r.image.length).toBe(40 * 40);
    expect(r.curve[19]!.total).toBeGreaterThan(r.curve[0]!.total);
  });

  it('gives the same image for the same seed, also after the wasm heap grew, and another for another seed', async () => {
    const a = await run(() => spec('lucid', 15, 4));
    const heap = heapBytes();
    growHeap();
    expect(heapBytes()).toBeGreaterThan(heap);
    const b = await run(() => spec('lucid', 15, 4));
    expect(b.image).toEqual(a.image);
    const c = await run(() => spec('lucid', 15, 5));
    expect(c.image).not.toEqual(a.image);
  });

  it('stops after the step in flight with the image so far, as a run of that many steps gives', async () => {
    const stop = new AbortController();
    const stopped = await run(() => spec('yosinski-1', 50, 6), { stop: stop.signal, onStep: (f) => f.step === 7 && stop.abort() });
    expect(stopped.stopped).toBe(true);
    expect(stopped.stepsDone).toBe(7);
    const seven = await run(() => spec('yosinski-1', 7, 6));
    expect(stopped.image).toEqual(seven.image);
  });

  it('rejects a cancel and an error mid-run, leaving no tensor behind', async () => {
    const cancel = new AbortController();
    await expect(run(() => spec('lucid', 50), { signal: cancel.signal, onStep: (f) => f.step === 3 && cancel.abort() })).rejects.toBeInstanceOf(CancelledError);
    const broken = () => {
      const s = spec('simonyan', 10);
      let calls = 0;
      const score = s.terms[0]!.objective.score;
      s.terms[0]!.objective.score = (f) => {
        if (++calls === 4) throw new Error('objective failed');
        return score(f);
      };
      return s;
    };
    await expect(run(broken)).rejects.toThrow('objective failed');
  });

  it('offers a preview after every step whose image is the one the loop holds', async () => {
    const seen: number[] = [];
    let last: number[] = [];
    const r = await run(() => spec('lucid', 5, 8), {
      onStep: (f) => {
        seen.push(f.step);
        const img = f.image();
        last = Array.from(img.dataSync());
        img.dispose();
      },
    });
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(last).toEqual(r.image);
  });
});
