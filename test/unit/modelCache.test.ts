import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LoadedModel } from '../../src/engine/model/loadedModel';
import { ModelCache } from '../../src/engine/service/modelCache';

/** A stand-in for a loaded model that counts its disposals. */
interface FakeModel extends LoadedModel {
  disposals: number;
  generation: number;
}

let dir: string;
let loads: string[];
let failNext: Error | undefined;

/** Resolves on a later turn, like a real load reading files. */
function fakeLoad(file: string): Promise<LoadedModel> {
  loads.push(file);
  const generation = loads.filter((f) => f === file).length;
  const error = failNext;
  failNext = undefined;
  return new Promise((resolve, reject) =>
    setImmediate(() => {
      if (error) return reject(error);
      const model = { file, generation, disposals: 0, dispose: () => void model.disposals++ } as unknown as FakeModel;
      resolve(model);
    }),
  );
}

function modelFile(name: string): string {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, '{}');
  return file;
}

/** A job that holds its model until `finish` is called. */
function heldJob(cache: ModelCache, file: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let got!: (m: FakeModel) => void;
  const model = new Promise<FakeModel>((resolve) => (got = resolve));
  const result = cache.use(file, async (m) => {
    got(m as FakeModel);
    await done;
    return (m as FakeModel).generation;
  });
  return { model, finish, result };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'convscope-cache-'));
  loads = [];
  failNext = undefined;
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('keeps an evicted model alive until the job using it ends, then disposes it once', async () => {
  const cache = new ModelCache({ capacity: 3, load: fakeLoad });
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(modelFile) as [string, string, string, string];
  const job = heldJob(cache, a);
  const held = await job.model;
  for (const f of [b, c, d]) await cache.use(f, () => undefined);
  expect(cache.size).toBe(3); // a was evicted from the cache…
  await settle();
  expect(held.disposals).toBe(0); // …but not disposed under its job
  // A new request for a loads it afresh rather than reviving the retired one.
  const again = await cache.use(a, (m) => m as FakeModel);
  expect(again).not.toBe(held);
  job.finish();
  expect(await job.result).toBe(1);
  await settle();
  expect(held.disposals).toBe(1);
  cache.clear();
  await settle();
  expect(held.disposals).toBe(1);
  expect(again.disposals).toBe(1);
});

it('replaces a model whose file changed, disposing the old one only after its last user', async () => {
  const cache = new ModelCache({ load: fakeLoad });
  const a = modelFile('a');
  const first = heldJob(cache, a);
  const second = heldJob(cache, a); // shares the entry and the load
  const old = await first.model;
  expect(await second.model).toBe(old);
  expect(loads).toHaveLength(1);
  utimesSync(a, new Date(), new Date(Date.now() + 5000));
  const fresh = await cache.use(a, (m) => m as FakeModel);
  expect(fresh.generation).toBe(2);
  expect(cache.size).toBe(1);
  first.finish();
  await first.result;
  await settle();
  expect(old.disposals).toBe(0); // the second job still holds it
  second.finish();
  await second.result;
  await settle();
  expect(old.disposals).toBe(1);
  expect(fresh.disposals).toBe(0); // the current model stays cached
});

it('disposes an evicted model at once when no job holds it', async () => {
  const cache = new ModelCache({ capacity: 1, load: fakeLoad });
  const a = await cache.use(modelFile('a'), (m) => m as FakeModel);
  const b = await cache.use(modelFile('b'), (m) => m as FakeModel);
  await settle();
  expect(a.disposals).toBe(1);
  expect(b.disposals).toBe(0);
});

it('releases the model when the job throws', async () => {
  const cache = new ModelCache({ capacity: 1, load: fakeLoad });
  let fail!: () => void;
  const gate = new Promise<void>((resolve) => (fail = resolve));
  let seen: FakeModel | undefined;
  const failing = cache
    .use(modelFile('a'), async (m) => {
      seen = m as FakeModel;
      await gate;
      throw new Error('job failed');
    })
    .catch((e: unknown) => e);
  while (!seen) await settle();
  await cache.use(modelFile('b'), () => undefined); // evicts a while the failing job holds it
  await settle();
  expect(seen.disposals).toBe(0);
  fail();
  expect(await failing).toMatchObject({ message: 'job failed' });
  await settle();
  expect(seen.disposals).toBe(1);
});

it('does not cache a failed load, disposes nothing for it, and retries on the next request', async () => {
  const cache = new ModelCache({ load: fakeLoad });
  const a = modelFile('a');
  const kept = await cache.use(modelFile('b'), (m) => m as FakeModel);
  failNext = new Error('bad weights');
  let ran = false;
  await expect(cache.use(a, () => (ran = true))).rejects.toThrow('bad weights');
  expect(ran).toBe(false);
  expect(cache.size).toBe(1);
  await settle();
  expect(kept.disposals).toBe(0);
  const loaded = await cache.use(a, (m) => m as FakeModel);
  expect(loaded.generation).toBe(2);
  expect(cache.size).toBe(2);
});

it('frees models in use on clear only when their jobs end', async () => {
  const cache = new ModelCache({ load: fakeLoad });
  const job = heldJob(cache, modelFile('a'));
  const held = await job.model;
  cache.clear();
  expect(cache.size).toBe(0);
  await settle();
  expect(held.disposals).toBe(0);
  job.finish();
  await job.result;
  await settle();
  expect(held.disposals).toBe(1);
});
