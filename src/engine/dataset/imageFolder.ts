import { readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { seededUniform } from '../methods/seededNoise';

/** One image of a folder source: where it is, its label, and what the cache keys it by. */
export interface FolderImage {
  /** Absolute path. */
  path: string;
  /** Path relative to the folder, with '/' separators (what results and the cache show). */
  relative: string;
  /** The immediate subfolder's name (`class/image.png` → "class"); '' for images at the top. */
  label: string;
  size: number;
  mtimeMs: number;
}

/** A file that looked like an image but was not used, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ImageSource {
  root: string;
  images: FolderImage[];
  skipped: SkippedFile[];
  /** How many images the folder holds before --limit sampled it. */
  total: number;
}

export interface ImageSourceOptions {
  /** At most this many images, a seeded sample (the same seed picks the same images). */
  limit?: number;
  seed?: number;
}

/** What counts as an image file by name; whether it decodes is found out when it is read. */
export const imageExtensions: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.webp', '.gif']);

/**
 * Every image under `root`, recursively, sorted by relative path so that the order (and so every
 * result and the seeded sample) does not depend on the file system's listing order. Folders and
 * files that cannot be read are listed as skipped; hidden entries (".name") are ignored.
 */
export function openImageFolder(root: string, options: ImageSourceOptions = {}): ImageSource {
  const absRoot = path.resolve(root);
  let stat;
  try {
    stat = statSync(absRoot);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${root}: ${code === 'ENOENT' ? 'folder not found' : `cannot read the folder (${code ?? 'error'})`}`);
  }
  if (!stat.isDirectory()) throw new UserError(`${root}: not a folder (give a folder of images, one subfolder per label)`);
  const images: FolderImage[] = [];
  const skipped: SkippedFile[] = [];
  walk(absRoot, absRoot, images, skipped);
  images.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
  if (images.length === 0) throw new UserError(`${root}: no image files in this folder or its subfolders (looked for ${[...imageExtensions].join(', ')})`);
  const total = images.length;
  const picked = options.limit !== undefined && options.limit < total ? seededSample(images, options.limit, options.seed ?? 0) : images;
  return { root: absRoot, images: picked, skipped, total };
}

function walk(root: string, dir: string, images: FolderImage[], skipped: SkippedFile[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    skipped.push({ path: dir, reason: `cannot list the folder (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      walk(root, full, images, skipped);
      continue;
    }
    if (!imageExtensions.has(path.extname(entry.name).toLowerCase())) continue;
    try {
      const s = statSync(full);
      if (!s.isFile()) continue;
      const relative = path.relative(root, full).split(path.sep).join('/');
      const slash = relative.indexOf('/');
      images.push({ path: full, relative, label: slash < 0 ? '' : relative.slice(0, slash), size: s.size, mtimeMs: s.mtimeMs });
    } catch (e) {
      skipped.push({ path: full, reason: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  }
}

/** `count` images chosen by a seeded shuffle, returned in path order. */
function seededSample(images: FolderImage[], count: number, seed: number): FolderImage[] {
  const random = seededUniform(seed);
  const order = images.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => images[i]!);
}
