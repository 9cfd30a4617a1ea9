import { expect, it } from 'vitest';
import { magnifyNearest } from '../../src/engine/render/magnify';

it('enlarges by a whole factor with nearest neighbour, and leaves large images alone', () => {
  const img = { width: 2, height: 1, channels: 3 as const, data: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
  const big = magnifyNearest(img, 5);
  expect([big.width, big.height]).toEqual([4, 2]);
  expect(Array.from(big.data)).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
  expect(magnifyNearest(img, 2)).toBe(img);
});
