import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { encodePng } from '../image/encodePng';
import type { RawImage } from '../image/rawImage';

/** JSON with every typed array written as a plain list (ArrayND becomes {shape, data: [...]}). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as Float32Array) : v), 1);
}

export function writeJson(file: string, value: unknown): void {
  if (file === '-') {
    process.stdout.write(toJson(value) + '\n');
    return;
  }
  writeOutput(file, toJson(value) + '\n');
}

export function writePng(file: string, image: RawImage): void {
  if (!file.toLowerCase().endsWith('.png')) throw new UserError(`--out ${file}: the output image must be a .png file`);
  writeOutput(file, encodePng(image));
}

function writeOutput(file: string, data: string | Buffer): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writeFileSync(file, data);
  } catch (e) {
    throw new UserError(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** A plain left-aligned text table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function formatShape(shape: number[]): string {
  return shape.map((d) => (d < 0 ? '?' : String(d))).join('×');
}
