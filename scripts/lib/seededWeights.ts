// Writes a model's weights file from a committed manifest of seeded ranges, so that a large test
// model (the ResNet-18 ONNX fixture, 47 MB) is committed as its graph plus a 15 KB manifest.
//
// Element k of the file is float32(low + (high − low) · u_k), with u_k the k-th output of
// mulberry32(seed) (prng.ts) and [low, high] the range of the tensor that element belongs to;
// tensors follow each other in manifest order, little-endian float32. The Python script that made
// the graph and its Captum values (scripts/fixtures/onnx/make_resnet18_captum.py) draws the same
// numbers with numpy; the manifest's SHA-256 is checked after writing.
//
// Idempotent: a file whose size and SHA-256 already match is left alone (~0.2 s for 47 MB).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Prng } from './prng';

export interface SeededTensor {
  name: string;
  shape: number[];
  /** Byte offset in the file. */
  offset: number;
  low: number;
  high: number;
}

export interface SeededManifest {
  seed: number;
  /** File name, written next to the manifest. */
  file: string;
  bytes: number;
  sha256: string;
  tensors: SeededTensor[];
}

/** The weights as one Float32Array (tensors in manifest order, contiguous). */
export function drawSeededWeights(manifest: SeededManifest): Float32Array {
  const out = new Float32Array(manifest.bytes / 4);
  const prng = new Prng(manifest.seed);
  let k = 0;
  for (const t of manifest.tensors) {
    if (t.offset !== k * 4) throw new Error(`${t.name}: offset ${t.offset}, expected ${k * 4} (tensors must be contiguous, in order)`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    const span = t.high - t.low;
    for (let i = 0; i < n; i++) out[k++] = t.low + span * prng.next();
  }
  if (k !== out.length) throw new Error(`manifest tensors hold ${k * 4} bytes, manifest says ${manifest.bytes}`);
  return out;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Makes sure the weights file of `manifestPath` exists with the manifest's SHA-256; writes it
 * (through a temporary file) when missing or different. Returns the file's path.
 */
export function ensureSeededWeights(manifestPath: string, log: (line: string) => void = () => {}): string {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as SeededManifest;
  const file = path.join(path.dirname(manifestPath), manifest.file);
  if (existsSync(file) && statSync(file).size === manifest.bytes && sha256(readFileSync(file)) === manifest.sha256) {
    log(`${path.basename(file)}: up to date`);
    return file;
  }
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('seeded weights: a little-endian host is needed');
  const t0 = Date.now();
  const values = drawSeededWeights(manifest);
  const bytes = new Uint8Array(values.buffer);
  const got = sha256(bytes);
  if (got !== manifest.sha256) throw new Error(`${manifestPath}: drawn weights have SHA-256 ${got}, manifest says ${manifest.sha256}`);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
  }
  log(`${path.basename(file)}: wrote ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB in ${Date.now() - t0} ms`);
  return file;
}
