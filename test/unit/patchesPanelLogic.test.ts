// The Patches panel's pure logic: the patch's box (source-image pixels) over the image as displayed,
// and the Top and channel fields.
import { describe, expect, it } from 'vitest';
import { boxOnDisplay, parseChannel, parseTop } from '../../src/webviews/patches/boxScale';

describe('the box over the displayed image', () => {
  it('scales with the displayed size, separately in x and y', () => {
    expect(boxOnDisplay({ x: 10, y: 20, width: 30, height: 40 }, { width: 100, height: 200 }, { width: 300, height: 100 })).toEqual({ left: 30, top: 10, width: 90, height: 20 });
    expect(boxOnDisplay({ x: 0, y: 0, width: 28, height: 28 }, { width: 28, height: 28 }, { width: 280, height: 280 })).toEqual({ left: 0, top: 0, width: 280, height: 280 });
  });
  it('is clipped to the image (a receptive field can reach past the border)', () => {
    expect(boxOnDisplay({ x: -4, y: 90, width: 20, height: 20 }, { width: 100, height: 100 }, { width: 50, height: 50 })).toEqual({ left: 0, top: 45, width: 8, height: 5 });
  });
  it('is absent before the image has a size, or when nothing of it is on the image', () => {
    expect(boxOnDisplay({ x: 1, y: 1, width: 2, height: 2 }, { width: 0, height: 0 }, { width: 50, height: 50 })).toBeUndefined();
    expect(boxOnDisplay({ x: 1, y: 1, width: 2, height: 2 }, { width: 10, height: 10 }, { width: 0, height: 50 })).toBeUndefined();
    expect(boxOnDisplay({ x: 20, y: 1, width: 2, height: 2 }, { width: 10, height: 10 }, { width: 50, height: 50 })).toBeUndefined();
  });
});

describe('the fields', () => {
  it('Top: a whole number from 1 to 400', () => {
    expect(parseTop('9')).toBe(9);
    for (const bad of ['0', '401', '1.5', 'x', '']) expect(parseTop(bad)).toBeUndefined();
  });
  it('channel: a whole number below the layer’s channels when known', () => {
    expect(parseChannel('3', 16)).toBe(3);
    expect(parseChannel('16', 16)).toBeUndefined();
    expect(parseChannel('99', undefined)).toBe(99);
    expect(parseChannel('-1', 16)).toBeUndefined();
  });
});
