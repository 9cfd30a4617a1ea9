// Reading .onnx files: a ModelProto decoded by protobufjs (light build) with the official ONNX
// schema (schema/onnx.proto, in its JSON form schema/onnx.json; scripts/onnxSchema.mjs makes it).
// Only the fields ConvScope uses are typed here; protobufjs skips what it does not know, so files
// from newer ONNX versions decode too.
import { closeSync, openSync, readSync } from 'node:fs';
import { Root, type INamespace, type Type } from 'protobufjs/light';
import { UserError } from '../../errors';
import schema from './schema/onnx.json';

/** int64 fields arrive as numbers, or as Long objects when the `long` package is found at run time. */
export type Int64 = number | { toNumber(): number };

export interface OnnxTensor {
  name?: string;
  dims?: Int64[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
}

export interface OnnxAttribute {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: OnnxTensor;
  floats?: number[];
  ints?: Int64[];
}

export interface OnnxNode {
  name?: string;
  op_type?: string;
  domain?: string;
  input?: string[];
  output?: string[];
  attribute?: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: { dim_value?: Int64; dim_param?: string }[] } } };
}

export interface OnnxGraph {
  name?: string;
  node?: OnnxNode[];
  initializer?: OnnxTensor[];
  input?: OnnxValueInfo[];
  output?: OnnxValueInfo[];
}

export interface OnnxModel {
  ir_version?: Int64;
  producer_name?: string;
  producer_version?: string;
  opset_import?: { domain?: string; version?: Int64 }[];
  graph?: OnnxGraph;
}

let modelType: Type | undefined;

export function int(v: Int64 | undefined, fallback = 0): number {
  if (v === undefined || v === null) return fallback;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes a whole .onnx file; a truncated or foreign file is one UserError naming the file. */
export function decodeModel(file: string, bytes: Uint8Array): OnnxModel {
  modelType ??= Root.fromJSON(schema as INamespace).lookupType('onnx.ModelProto');
  let model: OnnxModel;
  try {
    model = modelType.decode(bytes) as unknown as OnnxModel;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UserError(`${file}: not a readable ONNX model (the protobuf is truncated or corrupt: ${why})`);
  }
  if (!model.graph) throw new UserError(`${file}: an ONNX model without a graph`);
  if (!(model.opset_import ?? []).some((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')) {
    throw new UserError(`${file}: the ONNX model imports no standard operator set (opset_import has no 'ai.onnx' entry)`);
  }
  return model;
}

/** The default-domain operator set version (opset 13 for most PyTorch exports of this era). */
export function opsetVersion(model: OnnxModel): number {
  const entry = (model.opset_import ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return int(entry?.version);
}

// ModelProto's top-level fields (schema/onnx.proto) and their wire types (0 varint, 2 length-delimited).
const modelFields = new Map<number, number>([
  [1, 0], [2, 2], [3, 2], [4, 2], [5, 0], [6, 2], [7, 2], [8, 2], [14, 2], [20, 2], [25, 2], [26, 2],
]);

/**
 * Whether a file is an ONNX ModelProto, without decoding it: it must start with field 1
 * (ir_version, a varint: byte 0x08) and its top-level fields must be ModelProto's, with their
 * wire types, ending exactly at the end of the file, with an opset_import or a graph. Each
 * field's header is read where it starts (a few bytes per field; the graph is skipped, not read).
 * 'truncated': it starts as one (ir_version, then a known length-delimited field) but its
 * fields run past the end of the file.
 */
export function scanOnnx(file: string, head: Buffer, size: number): 'onnx' | 'truncated' | 'foreign' {
  if (head.length < 4 || head[0] !== 0x08) return 'foreign';
  let fd: number | undefined;
  const window = Buffer.alloc(20);
  const bytesAt = (offset: number): Buffer => {
    if (offset + window.length <= head.length) return head.subarray(offset, offset + window.length);
    fd ??= openSync(file, 'r');
    const n = readSync(fd, window, 0, window.length, offset);
    return window.subarray(0, n);
  };
  let offset = 0;
  const seen = new Set<number>();
  // Cut short: an ONNX file that lost its end, if what was read so far is one.
  const cut = () => (seen.has(1) && [...seen].some((f) => modelFields.get(f) === 2) ? 'truncated' : 'foreign');
  try {
    for (let fields = 0; offset < size && fields < 100_000; fields++) {
      const buf = bytesAt(offset);
      const tag = varint(buf, 0);
      if (!tag) return buf.length < window.length ? cut() : 'foreign';
      const [field, wire] = [Math.floor(tag.value / 8), tag.value % 8];
      const known = modelFields.get(field);
      // A field of a newer schema is skipped if its wire type is one protobuf has.
      if (field === 0 || (known !== undefined && known !== wire) || ![0, 1, 2, 5].includes(wire)) return 'foreign';
      if (wire === 1 || wire === 5) {
        offset += tag.length + (wire === 1 ? 8 : 4);
        continue;
      }
      const value = varint(buf, tag.length);
      if (!value) return buf.length < window.length ? cut() : 'foreign';
      if (field === 1 && !(value.value >= 1 && value.value < 1000)) return 'foreign';
      if (known !== undefined) seen.add(field);
      offset += tag.length + value.length + (wire === 2 ? value.value : 0);
    }
    if (offset > size) return cut();
    return offset === size && (seen.has(8) || seen.has(7)) ? 'onnx' : 'foreign';
  } catch {
    return 'foreign';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A protobuf varint at `at` (up to 2^53), or undefined when the bytes end first. */
function varint(buf: Buffer, at: number): { value: number; length: number } | undefined {
  let value = 0;
  for (let i = 0; i < 8 && at + i < buf.length; i++) {
    const b = buf[at + i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value, length: i + 1 };
  }
  return undefined;
}
