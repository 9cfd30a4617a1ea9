import { expect, it } from 'vitest';
import { sideBySide } from '../../src/engine/render/sideBySide';

it('puts images of different widths, heights and channels in one RGB row, gap and padding in the background grey', () => {
  const grey = { width: 2, height: 1, channels: 1 as const, data: Uint8Array.from([10, 20]) };
  const rgb = { width: 1, height: 2, channels: 3 as const, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  const out = sideBySide([grey, rgb], 1, 99);
  expect([out.width, out.height, out.channels]).toEqual([4, 2, 3]);
  expect(Array.from(out.data)).toEqual([10, 10, 10, 20, 20, 20, 99, 99, 99, 1, 2, 3, 99, 99, 99, 99, 99, 99, 99, 99, 99, 4, 5, 6]);
});
