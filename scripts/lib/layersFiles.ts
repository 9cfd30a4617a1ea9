// Plain-file reading and writing of TF.js layers models (model.json + group1-shardNofM.bin) for the
// preparation scripts. There is no tfjs-node here, so no `file://` handler: these do the same job.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';

/** The TF.js converter's default shard size. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface LayersModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: object;
  weightsManifest: tf.io.WeightsManifestConfig;
  trainingConfig?: tf.io.TrainingConfig;
  userDefinedMetadata?: object;
}

/** Bytes one weight takes in the binary: quantised weights are stored in their quantised dtype. */
export function weightByteLength(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };
  const per = bytes[dtype];
  if (per === undefined) throw new Error(`weight ${spec.name}: unsupported dtype ${dtype}`);
  return n * per;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** Reads model.json and its shards (in manifest order) into in-memory artifacts. */
export function readLayersModel(modelJsonPath: string): tf.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as LayersModelJson;
  const dir = path.dirname(modelJsonPath);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) parts.push(readFileSync(path.join(dir, p)));
    specs.push(...group.weights);
  }
  const data = concatBytes(parts);
  const expected = specs.reduce((a, s) => a + weightByteLength(s), 0);
  if (data.byteLength !== expected) throw new Error(`${modelJsonPath}: shards hold ${data.byteLength} bytes, manifest needs ${expected}`);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy ?? undefined,
    trainingConfig: json.trainingConfig,
    userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
    weightSpecs: specs,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
  };
}

/** A load-only IOHandler over a model.json on disk (what `file://` is with tfjs-node). */
export function fileLoadHandler(modelJsonPath: string): tf.io.IOHandler {
  return { load: async () => readLayersModel(modelJsonPath) };
}

/**
 * Writes artifacts as `dir/model.json` + `dir/group1-shardNofM.bin` (shards of at most
 * `shardBytes`; a weight may span two shards, as with the TF.js converter). Returns the file names.
 */
export function writeLayersModel(dir: string, artifacts: tf.io.ModelArtifacts, shardBytes = SHARD_BYTES): string[] {
  if (!artifacts.weightSpecs || artifacts.weightData === undefined) throw new Error('artifacts carry no weights');
  const buffers = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
  const data = concatBytes(buffers.map((b) => new Uint8Array(b)));
  const count = Math.max(1, Math.ceil(data.byteLength / shardBytes));
  const paths: string[] = [];
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const name = `group1-shard${i + 1}of${count}.bin`;
    writeFileSync(path.join(dir, name), data.subarray(i * shardBytes, Math.min(data.byteLength, (i + 1) * shardBytes)));
    paths.push(name);
  }
  const json: LayersModelJson = {
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    modelTopology: artifacts.modelTopology as object,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
  };
  if (artifacts.trainingConfig) json.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  return ['model.json', ...paths];
}

/** A save IOHandler for `model.save(...)` that writes plain files into `dir`. */
export function fileSaveHandler(dir: string, extra: Partial<tf.io.ModelArtifacts> = {}): tf.io.IOHandler {
  return tf.io.withSaveHandler(async (artifacts) => {
    writeLayersModel(dir, { ...artifacts, ...extra });
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  });
}
