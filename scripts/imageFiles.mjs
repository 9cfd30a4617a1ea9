// Small image helpers of the sample-preparation scripts (preparePhotos.mjs, prepareStyles.mjs):
// decode PNG/JPEG to RGBA, shrink by area averaging, encode (JPEG quality 90).
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

const { PNG } = pngjs;

export function decode(file) {
  const buf = readFileSync(file);
  if (file.endsWith('.png')) {
    const png = PNG.sync.read(buf); // always RGBA 8-bit out
    return { width: png.width, height: png.height, data: png.data };
  }
  const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true });
  return { width: img.width, height: img.height, data: img.data };
}

/** Area-averaging resize of RGBA data (each output pixel = mean of the source area it covers). */
export function shrink(img, width, height) {
  const out = new Uint8Array(width * height * 4);
  const sx = img.width / width;
  const sy = img.height / height;
  for (let y = 0; y < height; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      const acc = [0, 0, 0, 0];
      let area = 0;
      for (let yy = Math.floor(y0); yy < Math.ceil(y1); yy++) {
        const wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
        for (let xx = Math.floor(x0); xx < Math.ceil(x1); xx++) {
          const w = wy * (Math.min(x1, xx + 1) - Math.max(x0, xx));
          const i = 4 * (yy * img.width + xx);
          for (let c = 0; c < 4; c++) acc[c] += w * img.data[i + c];
          area += w;
        }
      }
      for (let c = 0; c < 4; c++) out[4 * (y * width + x) + c] = Math.round(acc[c] / area);
    }
  }
  return { width, height, data: out };
}

export function encode(file, img) {
  if (file.endsWith('.png')) {
    const png = new PNG({ width: img.width, height: img.height });
    png.data = Buffer.from(img.data);
    return PNG.sync.write(png, { colorType: 2 });
  }
  return jpeg.encode({ width: img.width, height: img.height, data: img.data }, 90).data;
}
