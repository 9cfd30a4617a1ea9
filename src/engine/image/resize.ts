import { type RawImage, assertImage } from './rawImage';

/**
 * For each output coordinate, the two source samples and the weight of the second one.
 * Half-pixel centres (TF `halfPixelCenters: true`, PIL, OpenCV): output pixel i covers source
 * position (i + 0.5) * in/out - 0.5, clamped to the edge, so the image is not shifted by half a pixel.
 * No antialiasing when shrinking: this matches TF's resizeBilinear, which is what models saw in training.
 */
function sampling(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const f = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const s = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
    const lo = Math.floor(s);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, inSize - 1);
    f[o] = s - lo;
  }
  return { i0, i1, f };
}

/**
 * Bilinear resize of interleaved float samples (any range), returned as float64 so callers can
 * round once at the end. Used for display (via resizeBilinear) and for model inputs (0..255 floats).
 */
export function resizeBilinearFloat(
  src: ArrayLike<number>,
  inWidth: number,
  inHeight: number,
  channels: number,
  outWidth: number,
  outHeight: number,
): Float64Array {
  if (src.length !== inWidth * inHeight * channels) throw new Error('resizeBilinearFloat: data length does not match size');
  if (!(outWidth >= 1 && outHeight >= 1 && Number.isInteger(outWidth) && Number.isInteger(outHeight))) {
    throw new Error(`resizeBilinearFloat: invalid output size ${outWidth}x${outHeight}`);
  }
  const xs = sampling(inWidth, outWidth);
  const ys = sampling(inHeight, outHeight);
  const out = new Float64Array(outWidth * outHeight * channels);
  let o = 0;
  for (let y = 0; y < outHeight; y++) {
    const row0 = ys.i0[y]! * inWidth;
    const row1 = ys.i1[y]! * inWidth;
    const fy = ys.f[y]!;
    for (let x = 0; x < outWidth; x++) {
      const x0 = xs.i0[x]!;
      const x1 = xs.i1[x]!;
      const fx = xs.f[x]!;
      for (let c = 0; c < channels; c++) {
        const tl = src[(row0 + x0) * channels + c]!;
        const tr = src[(row0 + x1) * channels + c]!;
        const bl = src[(row1 + x0) * channels + c]!;
        const br = src[(row1 + x1) * channels + c]!;
        // Same evaluation order as TF's kernel (lerp along x, then along y).
        const top = tl + (tr - tl) * fx;
        const bottom = bl + (br - bl) * fx;
        out[o++] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}

/** Bilinear resize of an 8-bit image for display; returns `img` itself when the size already matches. */
export function resizeBilinear(img: RawImage, width: number, height: number): RawImage {
  assertImage(img);
  if (img.width === width && img.height === height) return img;
  const f = resizeBilinearFloat(img.data, img.width, img.height, img.channels, width, height);
  const data = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(f[i]!)));
  return { width, height, channels: img.channels, data };
}
