import { closeSync, existsSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { io } from '../tf';
import { UserError } from '../errors';
import type { ModelSource } from './loaders/types';
import { modelKind, weightNameCheck, type ModelKind } from './modelKind';
import { checkWeightSpec, type WeightSize } from './weightSpecs';
import { findNonFinite, stringWeightBytes } from './weightValues';

/** What one ArrayBuffer can hold here, and more than the wasm backend's heap could take anyway. */
const MAX_WEIGHT_BYTES = 2 ** 31 - 1;

interface Shard {
  file: string;
  bytes: number;
}

interface Group {
  shards: Shard[];
  specs: io.WeightsManifestEntry[];
  sizes: WeightSize[];
  /** Bytes in its shards: what the manifest needs (string weights are checked once read). */
  bytes: number;
}

/**
 * Reads a TF.js model.json and its weight shards from disk into ModelArtifacts. A model file is
 * untrusted input, so everything that can be checked is checked before the first shard byte is
 * read, and errors name the file at fault: weight paths stay inside the model's folder, every
 * shard is a regular file, each group's shards add up to exactly what its manifest needs (a
 * longer shard would silently shift weights), and no listed weight is unused. After reading,
 * weights with NaN or infinite values are refused by name.
 */
export function readModelArtifacts(source: ModelSource): { artifacts: io.ModelArtifacts; kind: ModelKind } {
  // openModelSource has checked that the file is a regular file; its JSON is parsed once, there.
  const file = source.file;
  const json = source.json() as Record<string, unknown>;
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof json.modelTopology !== 'object' || json.modelTopology === null) {
    throw new UserError(`${file}: not a TensorFlow.js model (no "modelTopology")`);
  }
  const topology = json.modelTopology as Record<string, unknown>;
  const kind = modelKind(file, json.format, topology);
  const manifest = (json.weightsManifest ?? []) as unknown;
  if (!Array.isArray(manifest)) throw new UserError(`${file}: "weightsManifest" must be an array`);
  const groups = planGroups(file, manifest);
  const used = weightNameCheck(kind, topology, json.modelInitializer);
  const unused = groups.flatMap((g) => g.specs).find((w) => !used(w.name));
  if (unused) throw new UserError(`${file}: weight '${unused.name}' is listed in "weightsManifest" but not used by the model (no ${kind === 'graph' ? 'node' : 'layer'} of that name)`);
  const { weightSpecs, weightData } = readWeights(groups);
  return {
    kind,
    artifacts: {
      // tfjs reads versions.producer of every graph model; converters always write it.
      modelTopology: (kind === 'graph' && typeof topology.versions !== 'object' ? { ...topology, versions: {} } : topology) as io.ModelArtifacts['modelTopology'],
      format: json.format as string | undefined,
      generatedBy: json.generatedBy as string | undefined,
      convertedBy: json.convertedBy as string | null | undefined,
      signature: json.signature as object | undefined,
      userDefinedMetadata: json.userDefinedMetadata as Record<string, object> | undefined,
      modelInitializer: json.modelInitializer as object | undefined,
      weightSpecs,
      weightData,
    },
  };
}

/** Validates the manifest and stats every shard; reads nothing yet. */
function planGroups(file: string, manifest: unknown[]): Group[] {
  const dir = path.dirname(file);
  const realDir = realpathSync(dir);
  return manifest.map((group) => {
    const g = group as { paths?: unknown; weights?: unknown };
    if (typeof g !== 'object' || g === null || !Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw new UserError(`${file}: each weightsManifest entry needs "paths" and "weights" arrays`);
    }
    const sizes = g.weights.map((w) => checkWeightSpec(file, w));
    const shards = g.paths.map((p) => statShard(file, dir, realDir, p));
    const need = sizes.reduce((n, s) => n + s.bytes, 0);
    const hasStrings = sizes.some((s) => s.isString);
    const have = shards.reduce((n, s) => n + s.bytes, 0);
    const last = shards[shards.length - 1]?.file ?? file;
    if (have < need) throw new UserError(`${last}: weight shards are too short (${have} bytes, the manifest needs ${need}); the file is truncated or belongs to another model`);
    if (have > need && !hasStrings) throw new UserError(`${last}: weight shards are too long (${have} bytes, the manifest needs ${need}); the file belongs to another model or the manifest was edited`);
    return { shards, specs: g.weights as io.WeightsManifestEntry[], sizes, bytes: have };
  });
}

function statShard(file: string, dir: string, realDir: string, shardPath: unknown): Shard {
  if (typeof shardPath !== 'string' || shardPath === '' || path.isAbsolute(shardPath) || /^[a-z][a-z0-9+.-]*:\/\//i.test(shardPath)) {
    throw new UserError(`${file}: weight path '${String(shardPath)}' must be a relative file name inside the model's folder`);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(shardPath);
  } catch {
    throw new UserError(`${file}: weight path '${shardPath}' has a broken %-escape (write % as %25)`);
  }
  const resolved = path.resolve(dir, decoded);
  if (escapes(dir, resolved)) throw new UserError(`${file}: weight path '${shardPath}' escapes the model's folder`);
  if (!existsSync(resolved)) throw new UserError(`${resolved}: weight file not found (listed in ${file})`);
  // A symlink inside the folder could still point outside it.
  if (escapes(realDir, realpathSync(resolved))) throw new UserError(`${file}: weight path '${shardPath}' links outside the model's folder`);
  const stat = statSync(resolved);
  if (stat.isDirectory()) throw new UserError(`${resolved}: is a folder, not a weight file (listed in ${file})`);
  if (!stat.isFile()) throw new UserError(`${resolved}: not a regular file (listed in ${file})`);
  return { file: resolved, bytes: stat.size };
}

function escapes(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
}

/** Reads every shard straight into one buffer (no per-shard copies), then checks the values. */
function readWeights(groups: Group[]): { weightSpecs: io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const total = groups.reduce((n, g) => n + g.bytes, 0);
  if (total > MAX_WEIGHT_BYTES) {
    throw new UserError(`${groups[0]!.shards[0]!.file}: the model's weights take ${total} bytes, more than the 2 GiB ConvScope can load`);
  }
  const data = new ArrayBuffer(total);
  let offset = 0;
  for (const g of groups) {
    const start = offset;
    for (const shard of g.shards) {
      readInto(shard, new Uint8Array(data, offset, shard.bytes));
      offset += shard.bytes;
    }
    checkValues(g, data, start);
  }
  return { weightSpecs: groups.flatMap((g) => g.specs), weightData: data };
}

function readInto(shard: Shard, target: Uint8Array): void {
  let fd: number;
  try {
    fd = openSync(shard.file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${shard.file}: cannot read the weight file (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'error')})`);
  }
  try {
    let done = 0;
    while (done < target.length) {
      const n = readSync(fd, target, done, Math.min(target.length - done, 2 ** 30), done);
      if (n === 0) throw new UserError(`${shard.file}: the weight file shrank while it was read`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Exact string sizes (known only now) and finite values, naming the shard that holds each weight. */
function checkValues(g: Group, data: ArrayBuffer, start: number): void {
  const end = start + g.bytes;
  const shardAt = (byte: number) => {
    let at = start;
    return g.shards.find((s) => (at += s.bytes) > byte)?.file ?? g.shards[g.shards.length - 1]?.file ?? 'weights';
  };
  let offset = start;
  g.specs.forEach((spec, i) => {
    const size = g.sizes[i]!;
    let bytes = size.bytes;
    if (size.isString) {
      const actual = stringWeightBytes(data, offset, size.elements, end);
      if (actual === undefined) throw new UserError(`${shardAt(end - 1)}: weight shards are too short for string weight '${spec.name}'; the file is truncated or belongs to another model`);
      bytes = actual;
    }
    const bad = findNonFinite(data, offset, spec, size.elements);
    if (bad) throw new UserError(`${shardAt(offset)}: weight '${spec.name}' has ${bad.kind === 'NaN' ? 'a NaN' : 'an infinite'} value (element ${bad.element}); the weights are corrupt`);
    offset += bytes;
  });
  if (offset !== end) {
    throw new UserError(`${shardAt(end - 1)}: weight shards are too long (${end - start} bytes, the manifest needs ${offset - start}); the file belongs to another model or the manifest was edited`);
  }
}
