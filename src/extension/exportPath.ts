// Where a saliency export goes: never over an earlier export. No vscode import, so unit tests reach it.
import { open, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';

export type ExportFormat = 'png' | 'json' | 'csv';

/** The formats one export comes in; a stem is taken for all of them together. */
const pairedFormats: readonly ExportFormat[] = ['png', 'json', 'csv'];

/** Gives up after this many numbered names (a folder that full is a mistake somewhere). */
const maxSuffix = 10_000;

/** `base` for the first export, then `base-2`, `base-3`… */
export function numberedStem(base: string, n: number): string {
  return n <= 1 ? base : `${base}-${n}`;
}

export interface WrittenExport {
  file: string;
  /** The name without extension; pass it back as `pairStem` to write the other format of the same export beside it. */
  stem: string;
}

/**
 * Writes `bytes` to `<dir>/<stem>.<format>`, never replacing a file. The file is created
 * exclusively (`wx`), so two exports racing for one name cannot both get it.
 *
 * `pairStem` is the stem the other format of the same export got: it is used when this format is
 * still free there, so `x-2.png` and `x-2.json` belong together. Otherwise the first of `base`,
 * `base-2`, … with no file of either format is taken, which keeps the pair's other half free too.
 */
export async function writeExportExclusive(dir: string, base: string, format: ExportFormat, bytes: Uint8Array, pairStem?: string): Promise<WrittenExport> {
  if (pairStem !== undefined) {
    const file = path.join(dir, `${pairStem}.${format}`);
    if (await createExclusive(file, bytes)) return { file, stem: pairStem };
  }
  for (let n = 1; n <= maxSuffix; n++) {
    const stem = numberedStem(base, n);
    if (await anyExists(pairedFormats.map((f) => path.join(dir, `${stem}.${f}`)))) continue;
    const file = path.join(dir, `${stem}.${format}`);
    // Taken since we looked (another export, another window): try the next number.
    if (await createExclusive(file, bytes)) return { file, stem };
  }
  throw new Error(`${path.join(dir, `${base}.${format}`)}: ${maxSuffix} exports of this name already exist; move some away`);
}

/** Creates `file` with `bytes`; false when it already exists. A write that fails half-way leaves no file behind. */
async function createExclusive(file: string, bytes: Uint8Array): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    await handle.writeFile(bytes);
    await handle.close();
    return true;
  } catch (e) {
    await handle.close().catch(() => undefined);
    await unlink(file).catch(() => undefined);
    throw e;
  }
}

async function anyExists(files: string[]): Promise<boolean> {
  for (const f of files) {
    try {
      await stat(f);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return false;
}
