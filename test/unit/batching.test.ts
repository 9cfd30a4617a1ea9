import { expect, it } from 'vitest';
import { batchTargetMs, forEachBatch } from '../../src/engine/methods/batching';
import { CancelledError } from '../../src/engine/methods/types';

const busy = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // a sample that costs `ms` of CPU
  }
};

it('starts with one sample, then sizes batches to stay short and within the memory bound', async () => {
  const counts: number[] = [];
  const largest = await forEachBatch(40, 32, new AbortController().signal, () => {}, 'test', (_start, count) => {
    counts.push(count);
    busy(40 * count);
  });
  expect(counts[0]).toBe(1);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
  // 40 ms a sample: batches of at most 400/40 = 10, so a cancel waits well under a second
  expect(Math.max(...counts)).toBeLessThanOrEqual(Math.floor(batchTargetMs / 40));
  expect(Math.max(...counts)).toBeGreaterThan(1);
  expect(largest).toBe(Math.max(...counts));
});

it('cheap samples run in batches as large as memory allows', async () => {
  const counts: number[] = [];
  await forEachBatch(100, 16, new AbortController().signal, () => {}, 'test', (_start, count) => counts.push(count));
  expect(counts.slice(1).every((c, i, all) => c === 16 || i === all.length - 1)).toBe(true);
});

it('a cancel between batches stops the work', async () => {
  const abort = new AbortController();
  let done = 0;
  const run = forEachBatch(1000, 1, abort.signal, () => {}, 'test', () => {
    done++;
    if (done === 3) abort.abort();
  });
  await expect(run).rejects.toBeInstanceOf(CancelledError);
  expect(done).toBe(3);
});
