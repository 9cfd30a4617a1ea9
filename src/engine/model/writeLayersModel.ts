// Writes TF.js layers models as plain files (model.json + group1-shardNofM.bin), what tfjs-node's
// `file://` handler does; there is no tfjs-node here. style-train saves its checkpoints with it,
// and the preparation scripts their converted models.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '../tf';

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

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
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
