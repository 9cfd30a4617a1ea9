import type { RawImage } from '../image/rawImage';

/**
 * How floats become 0..255: 'minmax' stretches min..max (for activations, which are mostly ≥ 0);
 * 'symmetric' maps ±max|v| so 0 is mid-grey 128 (for filter weights and signed gradients).
 */
export type Scaling = 'minmax' | 'symmetric';

/**
 * Float samples (interleaved, `channels` per pixel) → 8-bit image, one scale for all channels so
 * that colour balance is kept (an RGB first-layer filter stays the colour it prefers).
 * Constant input gives 0 (minmax) or 128 (symmetric); NaN gives 0.
 */
export function floatToImage(
  values: ArrayLike<number>,
  width: number,
  height: number,
  channels: 1 | 3 | 4 = 1,
  scaling: Scaling = 'minmax',
): RawImage {
  if (values.length !== width * height * channels) throw new Error(`floatToImage: ${values.length} values for ${width}x${height}x${channels}`);
  const [min, max] = finiteRange(values) ?? [0, 0];
  let lo: number;
  let hi: number;
  if (scaling === 'symmetric') {
    const m = Math.max(Math.abs(min), Math.abs(max));
    [lo, hi] = [-m, m];
  } else {
    [lo, hi] = [min, max];
  }
  const data = new Uint8Array(values.length);
  const constant = scaling === 'symmetric' ? 128 : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) data[i] = 0;
    else if (!(hi > lo)) data[i] = constant;
    else data[i] = Math.min(255, Math.max(0, Math.round(((v - lo) / (hi - lo)) * 255)));
  }
  return { width, height, channels, data };
}

/** Smallest and largest finite value, or undefined when there is none (empty, all NaN/∞). */
export function finiteRange(values: ArrayLike<number>): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min > max ? undefined : [min, max];
}
