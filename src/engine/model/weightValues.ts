import type { io } from '../tf';

export interface NonFinite {
  element: number;
  kind: 'NaN' | 'infinite';
}

/**
 * First NaN or ±Infinity among a weight's values as tfjs will dequantize them, read from its raw
 * bytes (no tensor, no copy): float32 and complex64 by their exponent bits, float16 likewise.
 * uint8/uint16 quantization cannot produce one once its scale and min were checked (weightSpecs).
 */
export function findNonFinite(data: ArrayBuffer, offset: number, spec: io.WeightsManifestEntry, elements: number): NonFinite | undefined {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const view = new DataView(data, offset);
  if (stored === 'float32' || stored === 'complex64') {
    const count = stored === 'complex64' ? elements * 2 : elements;
    for (let i = 0; i < count; i++) {
      const bits = view.getUint32(i * 4, true);
      if ((bits & 0x7f800000) === 0x7f800000) return { element: stored === 'complex64' ? i >> 1 : i, kind: bits & 0x007fffff ? 'NaN' : 'infinite' };
    }
  } else if (stored === 'float16') {
    for (let i = 0; i < elements; i++) {
      const bits = view.getUint16(i * 2, true);
      if ((bits & 0x7c00) === 0x7c00) return { element: i, kind: bits & 0x03ff ? 'NaN' : 'infinite' };
    }
  }
  return undefined;
}

/**
 * Bytes a string weight takes at `offset` (each element: a uint32 length, then that many bytes),
 * or undefined when a length runs past `end`.
 */
export function stringWeightBytes(data: ArrayBuffer, offset: number, elements: number, end: number): number | undefined {
  const view = new DataView(data);
  let at = offset;
  for (let i = 0; i < elements; i++) {
    if (at + 4 > end) return undefined;
    at += 4 + view.getUint32(at, true);
  }
  return at > end ? undefined : at - offset;
}
