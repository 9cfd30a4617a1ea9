import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { LoadedModel } from './loadedModel';

// A loaded model's files are read once: hashing InceptionV3's 95 MB takes a noticeable moment.
const known = new WeakMap<LoadedModel, string>();

/** The model's hash: model.json and every weight file it names, so changed weights change it. */
export function modelSha256(model: LoadedModel): string {
  const memo = known.get(model);
  if (memo) return memo;
  const hash = createHash('sha256');
  const json = readFileSync(model.file);
  hash.update(json);
  try {
    const manifest = JSON.parse(json.toString('utf8')) as { weightsManifest?: Array<{ paths?: string[] }> };
    for (const group of manifest.weightsManifest ?? []) for (const p of group.paths ?? []) hash.update(readFileSync(path.join(path.dirname(model.file), p)));
  } catch {
    // Not a TF.js manifest (other formats): the file's own bytes are the model.
  }
  const digest = hash.digest('hex');
  known.set(model, digest);
  return digest;
}
