// Minimal PNG writing for the preparation scripts (pngjs).
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

/** Writes an 8-bit greyscale PNG from values in 0..1 (row-major, width*height). */
export function writeGreyPng(file: string, values: ArrayLike<number>, width: number, height: number): void {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = Math.round(Math.min(1, Math.max(0, values[i]!)) * 255);
    png.data[4 * i] = v;
    png.data[4 * i + 1] = v;
    png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  }
  writeFileSync(file, PNG.sync.write(png, { colorType: 0 }));
}
