import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

const writeProblems: Record<string, string> = {
  ENOENT: 'its folder cannot be created',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

function writeOutput(file: string, data: string | Buffer): void {
  try {
    makeFolders(path.dirname(path.resolve(file)));
    writeFileSync(file, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${file}: cannot write (${(code && writeProblems[code]) ?? code ?? (e as Error).message})`);
  }
}

/** mkdir -p, one level at a time: Node 20's mkdirSync({recursive}) loops forever where mkdir gives ENOENT under an existing folder (e.g. in /proc). */
function makeFolders(dir: string): void {
  if (existsSync(dir)) return;
  makeFolders(path.dirname(dir));
  mkdirSync(dir);
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
