// ONNX TensorProto → values known at load time: initializers (raw_data, the typed fields, or
// external-data files next to the model) and Constant nodes. Float tensors become Float32Array,
// integer tensors (shapes, axes, pads) plain numbers.
import { closeSync, existsSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { int, type OnnxTensor } from './proto';

/** A value known at load time, in ONNX order (NCHW for images). */
export interface ConstTensor {
  dims: number[];
  /** Float32Array for float tensors; numbers for integer ones (NaN stands for the batch size in folded shapes). */
  data: Float32Array | number[];
}

export function isFloat(c: ConstTensor): c is ConstTensor & { data: Float32Array } {
  return c.data instanceof Float32Array;
}

export function ints(c: ConstTensor): number[] {
  return Array.from(c.data as ArrayLike<number>);
}

export function sizeOf(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

// data_type → bytes per element in raw_data, for the types ConvScope reads.
const elementBytes: Record<number, number> = { 1: 4, 6: 4, 7: 8, 9: 1, 11: 8, 2: 1, 3: 1 };
const typeNames: Record<number, string> = { 10: 'float16', 16: 'bfloat16', 8: 'string', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 4: 'uint16', 5: 'int16' };

/**
 * Reads one tensor. `dir` is the model's folder: external data must be a file inside it (as a
 * TF.js model's weight shards), and every size is checked against the tensor's dims.
 */
export function readTensor(file: string, t: OnnxTensor, what: string): ConstTensor {
  const dims = (t.dims ?? []).map((d) => int(d));
  const type = t.data_type ?? 0;
  const name = `${what} '${t.name ?? ''}'`;
  if (dims.some((d) => !(d >= 0) || !Number.isSafeInteger(d))) throw new UserError(`${file}: ${name} has invalid dims [${dims.join(', ')}]`);
  const count = sizeOf(dims);
  const bytesPer = elementBytes[type];
  if (bytesPer === undefined) throw new UserError(`${file}: ${name} has element type ${typeNames[type] ?? type}, which ConvScope does not read (float32, float64, int32, int64, bool)`);
  let raw = t.raw_data && t.raw_data.length > 0 ? t.raw_data : undefined;
  if (t.data_location === 1) raw = readExternal(file, t, name, count * bytesPer);
  if (raw) {
    if (raw.length !== count * bytesPer) throw new UserError(`${file}: ${name} holds ${raw.length} bytes, but its dims [${dims.join(', ')}] need ${count * bytesPer}`);
    return { dims, data: fromRaw(raw, type, count) };
  }
  const typed: ArrayLike<number | { toNumber(): number }> = type === 1 ? (t.float_data ?? []) : type === 11 ? (t.double_data ?? []) : type === 7 ? (t.int64_data ?? []) : (t.int32_data ?? []);
  if (typed.length !== count) throw new UserError(`${file}: ${name} holds ${typed.length} values, but its dims [${dims.join(', ')}] need ${count}`);
  const values = Array.from(typed, (v) => int(v));
  return { dims, data: type === 1 || type === 11 ? Float32Array.from(values) : values };
}

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function fromRaw(raw: Uint8Array, type: number, count: number): Float32Array | number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (type === 1) {
    // A copy (raw_data is a view into the file's buffer, not necessarily 4-byte aligned); ONNX
    // stores little-endian, as the machines Node runs on are, so one memcpy does.
    if (littleEndian) {
      const copy = new Uint8Array(raw.byteLength);
      copy.set(raw);
      return new Float32Array(copy.buffer);
    }
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  if (type === 11) return Float32Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
  if (type === 7) return Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  if (type === 6) return Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
  if (type === 3) return Array.from({ length: count }, (_, i) => view.getInt8(i));
  return Array.from(raw.subarray(0, count));
}

/** Refuses non-finite weights by name, as for TF.js weights: they would poison every method. */
export function checkFinite(file: string, name: string, c: ConstTensor): void {
  if (!isFloat(c)) return;
  const i = c.data.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new UserError(`${file}: initializer '${name}' has ${Number.isNaN(c.data[i]) ? 'a NaN' : 'an infinite'} value (element ${i}); the weights are corrupt`);
}

function readExternal(file: string, t: OnnxTensor, name: string, need: number): Uint8Array {
  const entries = new Map((t.external_data ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  const dir = path.dirname(file);
  if (!location || path.isAbsolute(location) || /^[a-z][a-z0-9+.-]*:/i.test(location)) {
    throw new UserError(`${file}: ${name}: external data location '${location ?? ''}' must be a relative file name inside the model's folder`);
  }
  const resolved = path.resolve(dir, location);
  if (escapes(dir, resolved)) throw new UserError(`${file}: ${name}: external data location '${location}' escapes the model's folder`);
  if (!existsSync(resolved)) throw new UserError(`${resolved}: external data file not found (${name} of ${file})`);
  // A symlink inside the folder could still point outside it.
  if (escapes(realpathSync(dir), realpathSync(resolved))) throw new UserError(`${file}: ${name}: external data location '${location}' links outside the model's folder`);
  const stat = statSync(resolved);
  if (!stat.isFile()) throw new UserError(`${resolved}: not a regular file (external data of ${name} in ${file})`);
  const offset = Number(entries.get('offset') ?? 0);
  const length = entries.has('length') ? Number(entries.get('length')) : need;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new UserError(`${file}: ${name}: external data offset/length must be non-negative integers`);
  }
  if (offset + length > stat.size) throw new UserError(`${resolved}: too short for ${name} (bytes ${offset}..${offset + length} asked, the file has ${stat.size}); truncated or from another model`);
  const out = Buffer.alloc(length);
  const fd = openSync(resolved, 'r');
  try {
    readSync(fd, out, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return out;
}

function escapes(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel);
}
