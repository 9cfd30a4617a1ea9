// Plain-file reading of TF.js layers models (model.json + group1-shardNofM.bin) for the preparation
// scripts (there is no tfjs-node here, so no `file://` handler); writing is the engine's own
// (style-train saves networks), re-exported here.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { concatBytes, type LayersModelJson } from '../../src/engine/model/writeLayersModel';

export { SHARD_BYTES, concatBytes, fileSaveHandler, writeLayersModel } from '../../src/engine/model/writeLayersModel';

/** Bytes one weight takes in the binary: quantised weights are stored in their quantised dtype. */
export function weightByteLength(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };
  const per = bytes[dtype];
  if (per === undefined) throw new Error(`weight ${spec.name}: unsupported dtype ${dtype}`);
  return n * per;
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
