// When the saliency panel draws a map (or the image under it) with nearest-neighbour scaling.
import { describe, expect, it } from 'vitest';
import { mapRendering } from '../../src/webviews/saliency/overlay';

const size = (width: number, height = width) => ({ width, height });

describe('mapRendering', () => {
  it('pixelates a small map enlarged to its box (a 28×28 MNIST map in a 300 px card)', () => {
    expect(mapRendering(size(28), size(300))).toBe('pixelated');
    expect(mapRendering(size(7), size(29))).toBe('pixelated');
  });

  it('smooths a map shown at its size or smaller (a photo-sized map in a small card)', () => {
    expect(mapRendering(size(299), size(200))).toBe('smooth');
    expect(mapRendering(size(300), size(300))).toBe('smooth');
  });

  it('compares in device pixels: a 256 px map in a 200 px box is enlarged on a 2× screen', () => {
    expect(mapRendering(size(256), size(200), 1)).toBe('smooth');
    expect(mapRendering(size(256), size(200), 2)).toBe('pixelated');
  });

  it('needs enlargement on both axes (stretched wide but squeezed in height stays smooth)', () => {
    expect(mapRendering(size(100, 100), size(300, 80))).toBe('smooth');
    expect(mapRendering(size(28, 28), size(400, 300))).toBe('pixelated');
  });

  it('an image that has not loaded, or a hidden box, is left smooth', () => {
    expect(mapRendering(size(0), size(300))).toBe('smooth');
    expect(mapRendering(size(28), size(0))).toBe('smooth');
    expect(mapRendering(size(256), size(200), 0)).toBe('smooth'); // a missing ratio counts as 1
  });
});
