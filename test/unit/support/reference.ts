import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The independent PyTorch + Captum reference set lives in ../shared/reference (beside the repo,
 * in CI too); CONVSCOPE_REFERENCE overrides. Missing data is a test failure, not a skip.
 */
export const referenceRoot = process.env.CONVSCOPE_REFERENCE ?? path.resolve(__dirname, '../../../../shared/reference');

export function referenceFile(...parts: string[]): string {
  const file = path.join(referenceRoot, ...parts);
  if (!existsSync(file)) throw new Error(`reference data missing: ${file} (set CONVSCOPE_REFERENCE)`);
  return file;
}

export interface RefArray {
  shape: number[];
  data: number[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function readReference(...parts: string[]): any {
  return JSON.parse(readFileSync(referenceFile(...parts), 'utf8'));
}

/** ‖a − ref‖₂ / ‖ref‖₂ over the whole array, the README's metric. */
export function relL2(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (a.length !== ref.length) throw new Error(`length ${a.length} vs reference ${ref.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ref[i]!) ** 2;
    den += ref[i]! ** 2;
  }
  return Math.sqrt(num) / Math.sqrt(den);
}

export function maxAbs(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - ref[i]!));
  return m;
}
