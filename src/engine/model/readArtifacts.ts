import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { io } from '../tf';
import { UserError } from '../errors';

type WeightsManifest = io.WeightsManifestConfig;

/**
 * Reads a TF.js model.json and its weight shards from disk into ModelArtifacts.
 * Weight paths are confined to the model's folder (a model file is untrusted input: a path like
 * `../../secret` must not make us read files elsewhere), and every shard is checked for presence
 * and length before TF.js sees it, so errors name the file at fault.
 */
export function readModelArtifacts(modelJsonPath: string): io.ModelArtifacts {
  const file = path.resolve(modelJsonPath);
  if (!existsSync(file)) throw new UserError(`${file}: model file not found`);
  if (statSync(file).isDirectory()) throw new UserError(`${file}: is a folder; give the path of its model.json`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (typeof json !== 'object' || json === null || json.modelTopology == null) {
    throw new UserError(`${file}: not a TensorFlow.js model (no "modelTopology")`);
  }
  const manifest = (json.weightsManifest ?? []) as WeightsManifest;
  if (!Array.isArray(manifest)) throw new UserError(`${file}: "weightsManifest" must be an array`);
  const { weightSpecs, weightData } = readWeights(file, manifest);
  return {
    modelTopology: json.modelTopology as io.ModelArtifacts['modelTopology'],
    format: json.format as string | undefined,
    generatedBy: json.generatedBy as string | undefined,
    convertedBy: json.convertedBy as string | null | undefined,
    signature: json.signature as object | undefined,
    userDefinedMetadata: json.userDefinedMetadata as Record<string, object> | undefined,
    modelInitializer: json.modelInitializer as object | undefined,
    weightSpecs,
    weightData,
  };
}

function readWeights(file: string, manifest: WeightsManifest): { weightSpecs: io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const dir = path.dirname(file);
  const realDir = realpathSync(dir);
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new UserError(`${file}: each weightsManifest entry needs "paths" and "weights" arrays`);
    }
    const groupBuffers = group.paths.map((p) => readShard(file, dir, realDir, p));
    const have = groupBuffers.reduce((n, b) => n + b.length, 0);
    const need = group.weights.reduce((n, w) => n + weightByteLength(file, w), 0);
    if (have < need) {
      throw new UserError(`${path.join(dir, group.paths[group.paths.length - 1] ?? '')}: weight shards are too short (${have} bytes, the manifest needs ${need}); the file is truncated or belongs to another model`);
    }
    weightSpecs.push(...group.weights);
    buffers.push(...groupBuffers.map((b, i) => (i === groupBuffers.length - 1 ? b.subarray(0, b.length - (have - need)) : b)));
  }
  const all = Buffer.concat(buffers);
  return { weightSpecs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer };
}

function readShard(file: string, dir: string, realDir: string, shardPath: string): Buffer {
  if (typeof shardPath !== 'string' || shardPath === '' || path.isAbsolute(shardPath) || /^[a-z][a-z0-9+.-]*:\/\//i.test(shardPath)) {
    throw new UserError(`${file}: weight path '${shardPath}' must be a relative file name inside the model's folder`);
  }
  const resolved = path.resolve(dir, decodeURIComponent(shardPath));
  if (escapes(dir, resolved)) throw new UserError(`${file}: weight path '${shardPath}' escapes the model's folder`);
  if (!existsSync(resolved)) throw new UserError(`${resolved}: weight file not found (listed in ${file})`);
  // A symlink inside the folder could still point outside it.
  if (escapes(realDir, realpathSync(resolved))) throw new UserError(`${file}: weight path '${shardPath}' links outside the model's folder`);
  return readFileSync(resolved);
}

function escapes(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
}

const bytesPerElement: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

function weightByteLength(file: string, w: io.WeightsManifestEntry): number {
  if (!Array.isArray(w.shape)) throw new UserError(`${file}: weight '${w.name}' has no shape`);
  const size = w.shape.reduce((a, b) => a * b, 1);
  const dtype = w.quantization?.dtype ?? w.dtype;
  const per = bytesPerElement[dtype];
  if (per === undefined) throw new UserError(`${file}: weight '${w.name}' has unsupported dtype '${dtype}'`);
  return size * per;
}
