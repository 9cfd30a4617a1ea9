import { type RawImage, assertImage } from './rawImage';

/** RGBA → RGB by discarding alpha (no compositing: the stored colour is what the model should see). */
export function dropAlpha(img: RawImage): RawImage {
  assertImage(img);
  if (img.channels !== 4) return img;
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = img.data[i * 4]!;
    out[i * 3 + 1] = img.data[i * 4 + 1]!;
    out[i * 3 + 2] = img.data[i * 4 + 2]!;
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}

/** Any image → RGB: grey is replicated, alpha dropped. Returns the input itself when already RGB. */
export function toRgb(img: RawImage): RawImage {
  assertImage(img);
  if (img.channels === 3) return img;
  if (img.channels === 4) return dropAlpha(img);
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = img.data[i]!;
  return { width: img.width, height: img.height, channels: 3, data: out };
}

/**
 * Any image → 1-channel grey via BT.601 luma in PIL's fixed-point form (weights scaled by 2^16 and
 * summing to exactly 2^16, rounded): identical to PIL's convert('L'), and grey pixels stay exact.
 */
export function toGrey(img: RawImage): RawImage {
  assertImage(img);
  if (img.channels === 1) return img;
  const n = img.width * img.height;
  const c = img.channels;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = i * c;
    out[i] = (img.data[p]! * 19595 + img.data[p + 1]! * 38470 + img.data[p + 2]! * 7471 + 0x8000) >>> 16;
  }
  return { width: img.width, height: img.height, channels: 1, data: out };
}
