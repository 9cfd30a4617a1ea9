// Turns the layers models that npm `nsfwjs` ships as JS modules into plain TF.js files under
// models/<name>/ (model.json + group1-shardNofM.bin + model.convscope.json + LICENSE-nsfwjs.txt).
//
//   npm run build && npm run models            (node dist/scripts/prepareModels.js [--force] [--verify])
//
// Idempotent: each output folder holds `.prepared.json` with a fingerprint of the sources and this
// converter plus the size of every file written; when both still match, the model is skipped
// without loading TF.js. Otherwise the model is converted into a temporary folder, checked, and
// only then moved into place, so an interrupted run never leaves a half-written model behind.
//
// What changes on the way:
// - BatchNormalization layers with `scale: false` (all 94 of InceptionV3's) get `scale: true` and an
//   explicit gamma of ones: TF.js cannot take gradients through a BatchNormalization without gamma,
//   and with the explicit weight the model also loads with `strict: true`.
// - Weights stay uint8-quantised exactly as shipped (the manifest keeps its `quantization` fields;
//   TF.js dequantises on load to the same float32 values nsfwjs itself uses). Dequantising would
//   make the files 4x larger (InceptionV3: ~85 MB instead of ~21 MB) for no gain in precision.
//   The added gammas are written as plain float32.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type * as TF from '../src/engine/tf';
import { SHARD_BYTES, concatBytes, weightByteLength, writeLayersModel } from './lib/layersFiles';
import { writeDigitFolder, writePhotoFolder } from './lib/sampleFolders';
import { ensureSeededWeights } from './lib/seededWeights';

/** Bump when the conversion changes, so that existing outputs are redone. */
const CONVERTER_VERSION = 2;

interface Source {
  /** Folder under nsfwjs/dist/models. */
  nsfwjsName: string;
  /** Folder under models/. */
  outName: string;
  size: number;
  /** A frozen ImageNet layer used for the checks, and the folder methods' default feature layer (sidecar `featureLayer`). */
  probeLayer: string;
  description: string;
}

const SOURCES: Source[] = [
  {
    nsfwjsName: 'inception_v3',
    outName: 'inceptionv3',
    size: 299,
    probeLayer: 'mixed5',
    description:
      'InceptionV3 (Keras) from nsfwjs@4.4.0: ImageNet weights frozen up to mixed5, later layers fine-tuned for a ' +
      '5-class content filter whose head is hidden. Good layers: mixed3/mixed5 for DeepDream, mixed4 for channel ' +
      'visualisation, conv2d_* and mixed0-2 for style/texture. Input 299x299 RGB in [0,1]. Weights uint8-quantised.',
  },
  {
    nsfwjsName: 'mobilenet_v2',
    outName: 'mobilenetv2',
    size: 224,
    probeLayer: 'block_9_add',
    description:
      'MobileNetV2 (Keras, alpha 1.0) from nsfwjs@4.4.0: ImageNet weights frozen up to block_10, later blocks ' +
      'fine-tuned for a 5-class content filter whose head is hidden. Input 224x224 RGB in [0,1]. Weights uint8-quantised.',
  },
];

const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const verifyAlways = args.has('--verify');
const repoRoot = path.resolve(__dirname, '..', '..');
const modelsDir = path.join(repoRoot, 'models');
const localRequire = createRequire(path.join(repoRoot, 'package.json'));
const nsfwjsRoot = findNsfwjs();

function findNsfwjs(): string {
  try {
    // The package's `exports` hide package.json and dist/models; its main is dist/cjs/index.js.
    return path.resolve(path.dirname(localRequire.resolve('nsfwjs')), '..', '..');
  } catch {
    console.error('[models] npm package nsfwjs (a devDependency) is not installed: run `npm ci` (without --omit=dev) first');
    process.exit(1);
  }
}

function log(line: string): void {
  console.log(`[models] ${line}`);
}

function sourceFiles(src: Source): { modelJs: string; shards: string[] } {
  const dir = path.join(nsfwjsRoot, 'dist', 'models', src.nsfwjsName);
  const modelJs = path.join(dir, 'model.min.js');
  const json = localRequire(modelJs) as { weightsManifest: TF.io.WeightsManifestConfig };
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => path.join(dir, `${p}.min.js`)));
  return { modelJs, shards };
}

function fingerprint(src: Source, files: string[]): string {
  const h = createHash('sha256');
  const pkg = JSON.parse(readFileSync(path.join(nsfwjsRoot, 'package.json'), 'utf8')) as { version: string };
  h.update(`convscope-prepare v${CONVERTER_VERSION} ${src.outName} nsfwjs@${pkg.version}\n`);
  for (const f of files) h.update(readFileSync(f));
  return h.digest('hex');
}

interface Stamp {
  fingerprint: string;
  files: Record<string, number>;
}

function upToDate(outDir: string, print: string): boolean {
  const stampFile = path.join(outDir, '.prepared.json');
  if (!existsSync(stampFile)) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Stamp;
    if (stamp.fingerprint !== print) return false;
    return Object.entries(stamp.files).every(([f, size]) => existsSync(path.join(outDir, f)) && statSync(path.join(outDir, f)).size === size);
  } catch {
    return false;
  }
}

/** The nsfwjs module bundles: model.min.js exports the model JSON, each shard module a base64 string. */
function readSource(src: Source): TF.io.ModelArtifacts & { weightSpecs: TF.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const { modelJs, shards } = sourceFiles(src);
  const json = localRequire(modelJs) as { modelTopology: object; weightsManifest: TF.io.WeightsManifestConfig };
  const data = concatBytes(shards.map((f) => Buffer.from(localRequire(f) as string, 'base64')));
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const expected = weightSpecs.reduce((a, s) => a + weightByteLength(s), 0);
  if (data.byteLength !== expected) throw new Error(`${src.nsfwjsName}: shards hold ${data.byteLength} bytes, manifest needs ${expected}`);
  return {
    modelTopology: json.modelTopology,
    format: 'layers-model',
    generatedBy: 'keras v2.2.4',
    weightSpecs,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
  };
}

interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
}

/** scale:false → scale:true with gamma = 1 inserted before each such layer's beta. */
function fixBatchNorm(a: ReturnType<typeof readSource>): { artifacts: TF.io.ModelArtifacts; fixed: number } {
  const topology = structuredClone(a.modelTopology) as { model_config: { config: { layers: KerasLayer[] } } };
  const layers = topology.model_config.config.layers;
  const gammaFor = new Map<string, number>(); // beta weight name → channels
  for (const l of layers) {
    if (l.class_name !== 'BatchNormalization' || l.config.scale !== false) continue;
    l.config.scale = true;
    gammaFor.set(`${l.name}/beta`, -1);
  }
  const specs: TF.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  const bytes = new Uint8Array(a.weightData);
  let offset = 0;
  for (const spec of a.weightSpecs) {
    const n = weightByteLength(spec);
    if (gammaFor.has(spec.name)) {
      const channels = spec.shape.reduce((x, y) => x * y, 1);
      specs.push({ name: spec.name.replace(/\/beta$/, '/gamma'), shape: [...spec.shape], dtype: 'float32' });
      parts.push(new Uint8Array(new Float32Array(channels).fill(1).buffer));
      gammaFor.set(spec.name, channels);
    }
    specs.push(spec);
    parts.push(bytes.subarray(offset, offset + n));
    offset += n;
  }
  const missing = [...gammaFor].filter(([, c]) => c < 0).map(([b]) => b);
  if (missing.length) throw new Error(`BatchNormalization without beta weight: ${missing.join(', ')}`);
  const data = concatBytes(parts);
  return { artifacts: { ...a, modelTopology: topology, weightSpecs: specs, weightData: data.buffer as ArrayBuffer }, fixed: gammaFor.size };
}

function writeSidecarAndLicense(dir: string, src: Source, fixedBatchNorms: number): void {
  const sidecar = { preprocessing: { inputRange: [0, 1], channelOrder: 'rgb' }, hideClasses: true, featureLayer: src.probeLayer, description: src.description };
  writeFileSync(path.join(dir, 'model.convscope.json'), `${JSON.stringify(sidecar, null, 2)}\n`);
  const note =
    `The model in this folder is converted from the npm package nsfwjs@4.4.0 (Infinite Red, Inc.),\n` +
    `file dist/models/${src.nsfwjsName}/ (model.min.js and its group1-shard*.min.js weights), by ConvScope's\n` +
    `scripts/prepareModels.ts: weights re-encoded from base64 to binary shards (still uint8-quantised)` +
    (fixedBatchNorms ? `,\n${fixedBatchNorms} BatchNormalization layers given scale: true with gamma = 1 (same outputs)` : '') +
    `.\nnsfwjs is distributed under the MIT License below.\n\n`;
  writeFileSync(path.join(dir, 'LICENSE-nsfwjs.txt'), note + readFileSync(path.join(nsfwjsRoot, 'LICENSE'), 'utf8'));
}

function fmtMB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  log(`nsfwjs at ${path.relative(repoRoot, nsfwjsRoot)}; output under ${path.relative(repoRoot, modelsDir) || '.'}/`);
  // The labelled folders of the folder methods' demo and tests (seconds; idempotent too).
  writeDigitFolder(repoRoot, log);
  writePhotoFolder(repoRoot, log);
  // The seeded weights of the ResNet-18 ONNX test fixture (47 MB, drawn from its committed manifest).
  ensureSeededWeights(path.join(repoRoot, 'test', 'fixtures', 'onnx', 'resnet18', 'weights.json'), (l) => log(`onnx/resnet18 ${l}`));
  const todo: { src: Source; print: string; fresh: boolean }[] = [];
  for (const src of SOURCES) {
    const { modelJs, shards } = sourceFiles(src);
    const print = fingerprint(src, [modelJs, ...shards]);
    const fresh = !force && upToDate(path.join(modelsDir, src.outName), print);
    log(`${src.outName}: ${fresh ? 'up to date' : force ? 'conversion forced' : 'needs conversion'}`);
    todo.push({ src, print, fresh });
  }
  if (todo.every((t) => t.fresh) && !verifyAlways) {
    log(`all models up to date (${((performance.now() - t0) / 1000).toFixed(2)} s)`);
    return;
  }
  // Heavy imports only when there is work to do.
  const { startWasm } = await import('./lib/backend');
  const { verifyConverted } = await import('./lib/verifyConverted');
  log(`backend: ${await startWasm()}`);
  for (const { src, print, fresh } of todo) {
    const outDir = path.join(modelsDir, src.outName);
    if (fresh) {
      if (verifyAlways) await verifyConverted(outDir, src.size, src.probeLayer, undefined, log);
      continue;
    }
    const tmpDir = path.join(modelsDir, `.${src.outName}.tmp-${process.pid}`);
    rmSync(tmpDir, { recursive: true, force: true });
    mkdirSync(tmpDir, { recursive: true });
    try {
      const original = readSource(src);
      log(`${src.outName}: read ${src.nsfwjsName} (${original.weightSpecs.length} weights, ${fmtMB(original.weightData.byteLength)} quantised)`);
      const { artifacts, fixed } = fixBatchNorm(original);
      log(`${src.outName}: ${fixed ? `BatchNormalization scale:false → scale:true with gamma=1 on ${fixed} layers` : 'no BatchNormalization without scale'}`);
      const files = writeLayersModel(tmpDir, { ...artifacts, convertedBy: `ConvScope scripts/prepareModels.ts v${CONVERTER_VERSION}` }, SHARD_BYTES);
      writeSidecarAndLicense(tmpDir, src, fixed);
      files.push('model.convscope.json', 'LICENSE-nsfwjs.txt');
      log(`${src.outName}: wrote model.json + ${files.length - 3} shard(s), sidecar, licence`);
      await verifyConverted(tmpDir, src.size, src.probeLayer, original, log);
      const stamp: Stamp = { fingerprint: print, files: Object.fromEntries(files.map((f) => [f, statSync(path.join(tmpDir, f)).size])) };
      writeFileSync(path.join(tmpDir, '.prepared.json'), `${JSON.stringify(stamp, null, 2)}\n`);
      rmSync(outDir, { recursive: true, force: true });
      renameSync(tmpDir, outDir);
      log(`${src.outName}: done → ${path.relative(repoRoot, outDir)}/ (${fmtMB(Object.values(stamp.files).reduce((x, y) => x + y, 0))})`);
    } finally {
      rmSync(tmpDir, { recursive: true, force: true });
    }
  }
  log(`finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(`[models] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
