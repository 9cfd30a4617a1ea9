import type { io } from '../tf';
import { UserError } from '../errors';

/** Bytes per stored element: plain dtypes, and the quantization dtypes a weight may be stored in. */
const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const BYTES_PER_QUANTIZED: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };
const QUANTIZED_MAX: Record<string, number> = { uint8: 255, uint16: 65535 };

/** What a weight takes in its shard: fixed bytes, plus for strings a length-prefixed text each. */
export interface WeightSize {
  /** Elements (product of the shape). */
  elements: number;
  /** Exact bytes, or for 'string' the 4-byte length prefixes only (the texts come on top). */
  bytes: number;
  isString: boolean;
}

/**
 * Checks one weightsManifest entry as far as the manifest alone allows (name, shape, dtype and
 * quantization) and returns the bytes it takes, so shard sizes can be checked before any read.
 */
export function checkWeightSpec(file: string, w: unknown): WeightSize {
  if (typeof w !== 'object' || w === null || typeof (w as { name?: unknown }).name !== 'string') {
    throw new UserError(`${file}: every weight in "weightsManifest" needs a "name"`);
  }
  const spec = w as io.WeightsManifestEntry;
  const bad = (what: string): never => {
    throw new UserError(`${file}: weight '${spec.name}' ${what}`);
  };
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) bad('has no valid shape (a list of whole numbers ≥ 0)');
  const elements = spec.shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(elements * 8)) bad(`has an impossible shape [${spec.shape.join(', ')}]`);
  if (spec.dtype === 'string') {
    if (spec.quantization) bad('is a string weight with a quantization entry');
    return { elements, bytes: elements * 4, isString: true };
  }
  const q = spec.quantization;
  if (q === undefined || q === null) {
    const per = BYTES_PER_ELEMENT[spec.dtype];
    if (per === undefined) bad(`has unsupported dtype '${String(spec.dtype)}'`);
    return { elements, bytes: elements * per!, isString: false };
  }
  if (typeof q !== 'object') bad('has a "quantization" entry that is not an object');
  if (q.dtype === 'float16') {
    if (spec.dtype !== 'float32') bad(`is quantized to float16, which only float32 weights can be (it is ${String(spec.dtype)})`);
  } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
    if (spec.dtype !== 'float32' && spec.dtype !== 'int32') bad(`has dtype '${String(spec.dtype)}', which cannot be quantized`);
    checkAffine(q, QUANTIZED_MAX[q.dtype]!, bad);
  } else {
    bad(`has unsupported quantization dtype '${String(q.dtype)}' (uint8, uint16 or float16)`);
  }
  return { elements, bytes: elements * BYTES_PER_QUANTIZED[q.dtype]!, isString: false };
}

/**
 * Dequantized values are q·scale + min for q in 0..max, computed in float32 by tfjs; an affine
 * map is monotonic, so the two ends decide whether any value is infinite or NaN.
 */
function checkAffine(q: io.WeightsManifestEntry['quantization'] & object, max: number, bad: (what: string) => never): void {
  const { scale, min } = q as { scale?: unknown; min?: unknown };
  if (typeof scale !== 'number' || typeof min !== 'number') bad(`is ${q.dtype}-quantized without numeric "scale" and "min"`);
  const ends = [Math.fround(min as number), Math.fround(max * (scale as number) + (min as number))];
  if (!ends.every(Number.isFinite)) bad(`has quantization scale ${String(scale)} and min ${String(min)}, which give infinite or NaN values`);
}
