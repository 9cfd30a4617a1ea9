// The image files that synthesis options name ('file': the content image, 'files': the style
// images). Their paths come from the webview, so the host trusts none of them: each must be an
// image inside a workspace folder (symbolic links resolved) before it is read for a thumbnail or
// sent to the engine. Pure (no vscode import): the roots and the relative-path display are given.
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import type { MethodInfo } from '../../shared/methodSchema';
import type { OptionValues, PickedFile } from '../../shared/webviewProtocol';
import { readImageDataUrl } from './panelData';

export const imageExtensions = ['png', 'jpg', 'jpeg', 'bmp', 'webp'];

async function real(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

function inside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The image's real path when it lies inside one of `roots` (the workspace folders), else an error
 * saying why not: a relative path, another extension, a missing file, or one outside (a link that
 * leads outside counts as outside).
 */
export async function confinedImage(file: string, roots: readonly string[]): Promise<string> {
  const name = path.basename(file);
  if (!path.isAbsolute(file)) throw new Error(`${name}: not an absolute path`);
  if (!imageExtensions.includes(path.extname(file).slice(1).toLowerCase())) throw new Error(`${name}: not an image (${imageExtensions.join(', ')})`);
  if (roots.length === 0) throw new Error(`${name}: open a folder first; images are taken from the workspace only`);
  const resolved = await real(file);
  if (!resolved) throw new Error(`${name}: file not found`);
  const realRoots = await Promise.all(roots.map(async (r) => (await real(r)) ?? path.resolve(r)));
  if (!realRoots.some((r) => inside(resolved, r))) throw new Error(`${name}: outside the workspace; only images inside the workspace folders can be used`);
  return resolved;
}

/** The paths that the method's 'file' and 'files' options hold in `options`, in schema order. */
export function fileOptionPaths(method: Pick<MethodInfo, 'options'> | undefined, options: OptionValues | undefined): string[] {
  const out: string[] = [];
  for (const [key, spec] of Object.entries(method?.options ?? {})) {
    const value = options?.[key];
    if (value === undefined || (spec.type !== 'file' && spec.type !== 'files')) continue;
    out.push(...(typeof value === 'object' ? value : [String(value)]));
  }
  return out;
}

/**
 * `options` once every file they name is confined; throws the first refusal (a run or plan with a
 * file outside the workspace never reaches the engine). The paths stay as given: the result's
 * config then names the files as the panel knows them (thumbnails, workspace-relative names).
 */
export async function confineFileOptions(method: Pick<MethodInfo, 'options'> | undefined, options: OptionValues, roots: readonly string[]): Promise<OptionValues> {
  for (const file of fileOptionPaths(method, options)) await confinedImage(file, roots);
  return options;
}

/** What the webview shows of each path: the ones inside the workspace, with a thumbnail; the others are left out. */
export async function pickedFiles(paths: readonly string[], roots: readonly string[], relative: (file: string) => string): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  for (const file of new Set(paths)) {
    try {
      const checked = await confinedImage(file, roots);
      out.push({ path: file, name: path.basename(file), relativePath: relative(file), dataUrl: await readImageDataUrl(checked) });
    } catch {
      // Not shown: a run with it is refused with the reason.
    }
  }
  return out;
}
