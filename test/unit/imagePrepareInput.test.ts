import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { UserError } from '../../src/engine/errors';
import { decodeImageFile } from '../../src/engine/image/decodeImage';
import { imageToInput } from '../../src/engine/image/prepareInput';
import type { RawImage } from '../../src/engine/image/rawImage';
import { defaultPreprocessing, type Preprocessing } from '../../src/engine/model/preprocessing';

const img2x1: RawImage = { width: 2, height: 1, channels: 3, data: Uint8Array.from([255, 0, 51, 10, 128, 200]) };

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

describe('imageToInput', () => {
  let before: number;
  beforeEach(async () => {
    await tf.setBackend('cpu');
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    // Every test disposes what it receives; nothing else may remain.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives exactly float32(pixel / 255) with default preprocessing and no resize', () => {
    const all = new Uint8Array(256 * 3);
    for (let i = 0; i < all.length; i++) all[i] = i % 256;
    const t = imageToInput({ width: 256, height: 1, channels: 3, data: all }, { height: 1, width: 256, channels: 3 }, defaultPreprocessing);
    expect(t.shape).toEqual([1, 1, 256, 3]);
    expect(t.dtype).toBe('float32');
    expect(values(t)).toEqual(Array.from(all, (p) => Math.fround(p / 255)));
  });

  it('matches the reference x for both reference inputs (float32 tolerance)', () => {
    for (const name of ['gradient_square', 'radial_bar']) {
      const dir = `/work/shared/reference/model_a/${name}`;
      const ref = JSON.parse(readFileSync(`${dir}/input.json`, 'utf8'));
      const [h, w, c] = ref.x.shape as [number, number, 3];
      const got = values(imageToInput(decodeImageFile(`${dir}/input.png`), { height: h, width: w, channels: c }, defaultPreprocessing));
      const want = ref.x.data as number[];
      expect(got.length).toBe(want.length);
      let maxErr = 0;
      for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - want[i]!));
      expect(maxErr).toBeLessThan(1e-7);
    }
  });

  it('applies inputRange, then per-channel mean/std, in the BGR order when asked', () => {
    const prep: Preprocessing = { inputRange: [-1, 1], mean: [0.5, 0, -0.5], std: [2, 1, 0.5], channelOrder: 'bgr' };
    const got = values(imageToInput(img2x1, { height: 1, width: 2, channels: 3 }, prep));
    // Pixel 1 (255, 0, 51) in BGR is (51, 0, 255) → x = p/255·2 - 1 = (-0.6, -1, 1) → (x - mean)/std
    // Pixel 2 (10, 128, 200) in BGR is (200, 128, 10)
    const x = (p: number) => (p / 255) * 2 - 1;
    const want = [(x(51) - 0.5) / 2, (x(0) - 0) / 1, (x(255) + 0.5) / 0.5, (x(200) - 0.5) / 2, x(128), (x(10) + 0.5) / 0.5];
    want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    expect(got[0]).toBeCloseTo(-0.55, 6);
    expect(got[2]).toBeCloseTo(3, 6);
  });

  it('converts to BT.601 grey for 1-channel models and accepts a single mean/std value', () => {
    const got = values(imageToInput(img2x1, { height: 1, width: 2, channels: 1 }, { inputRange: [0, 255], mean: [100], std: [10], channelOrder: 'rgb' }));
    // grey(255, 0, 51) = round(76.245 + 0 + 5.814) = 82; grey(10, 128, 200) = round(2.99 + 75.136 + 22.8) = 101
    expect(got).toEqual([Math.fround((82 - 100) / 10), Math.fround((101 - 100) / 10)]);
  });

  it('resizes bilinearly on 0..255 floats only when the size differs', () => {
    const grey: RawImage = { width: 2, height: 2, channels: 1, data: Uint8Array.from([0, 100, 200, 40]) };
    const got = values(imageToInput(grey, { height: 4, width: 4, channels: 1 }, defaultPreprocessing));
    // Same hand values as the resize test, but not rounded to integers before scaling.
    const want = [0, 25, 75, 100, 50, 58.75, 76.25, 85, 150, 126.25, 78.75, 55, 200, 160, 80, 40].map((v) => Math.fround(v / 255));
    expect(got).toEqual(want);
  });

  it('expands a grey image for a 3-channel model', () => {
    const grey: RawImage = { width: 1, height: 1, channels: 1, data: Uint8Array.from([51]) };
    expect(values(imageToInput(grey, { height: 1, width: 1, channels: 3 }, defaultPreprocessing))).toEqual([0.2, 0.2, 0.2].map(Math.fround));
  });

  it('refuses mean/std whose length does not match the channels', () => {
    expect(() => imageToInput(img2x1, { height: 1, width: 2, channels: 3 }, { ...defaultPreprocessing, mean: [1, 2] })).toThrow(UserError);
    expect(() => imageToInput(img2x1, { height: 1, width: 2, channels: 3 }, { ...defaultPreprocessing, mean: [1, 2] })).toThrow(
      'preprocessing "mean" has 2 values but the model input has 3 channels',
    );
  });
});
