// HDF5 files read with h5wasm (the HDF5 C library compiled to wasm, its binary inlined in the
// package's JS, so the bundles need no file beside them). The bytes go into h5wasm's in-memory
// file system: the same path works for a .h5 file on disk and for the weights inside a .keras zip.
import type * as H5 from 'h5wasm/node';
import { UserError } from '../../errors';

export const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A float dataset, row-major, with its shape. */
export interface Hdf5Array {
  shape: number[];
  data: Float32Array;
}

/** Read-only view of an open HDF5 file; `name` is what errors call it (a file, or a zip entry). */
export interface Hdf5Reader {
  /** A string attribute of a group ('/' the root), undefined when absent. */
  attrText(group: string, attr: string): string | undefined;
  /** A string-list attribute (Keras's `weight_names`), undefined when absent. */
  attrList(group: string, attr: string): string[] | undefined;
  /** Member names of a group; undefined when there is no such group. */
  members(group: string): string[] | undefined;
  dataset(path: string): Hdf5Array;
}

let counter = 0;
// Imported on first use: loading the package compiles its 4 MB wasm, which engine and CLI runs
// that never see a Keras file should not pay for.
let h5wasmModule: Promise<typeof H5> | undefined;

/**
 * Opens `bytes` as HDF5, runs `use` on it and closes it (the copy in wasm memory is freed even
 * when `use` throws). HDF5's own error stack is long; the innermost message is kept.
 */
export async function withHdf5<T>(name: string, bytes: Uint8Array, use: (h5: Hdf5Reader) => T): Promise<T> {
  const h5wasm = await (h5wasmModule ??= import('h5wasm/node'));
  const module = await h5wasm.ready;
  // Errors as exceptions (with HDF5's message) instead of a diagnostic dump on stderr.
  module.activate_throwing_error_handler();
  const fs = module.FS;
  const memPath = `/convscope-${process.pid}-${++counter}.h5`;
  fs.writeFile(memPath, bytes);
  let file: H5.File | undefined;
  try {
    try {
      file = new h5wasm.File(memPath, 'r');
    } catch (e) {
      throw new UserError(`${name}: not a readable HDF5 file (${hdf5Message(e)}); the file is truncated or corrupt`);
    }
    return use(reader(h5wasm, name, file));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${name}: cannot read the HDF5 file (${hdf5Message(e)}); the file is truncated or corrupt`);
  } finally {
    file?.close();
    fs.unlink(memPath);
  }
}

function reader(h5wasm: typeof H5, name: string, file: H5.File): Hdf5Reader {
  const group = (path: string): H5.Group | undefined => {
    const g = path === '/' ? file : file.get(path);
    return g instanceof h5wasm.Group ? g : undefined;
  };
  const attr = (path: string, key: string) => {
    const g = group(path);
    return g && key in g.attrs ? g.attrs[key]!.value : undefined;
  };
  return {
    attrText: (path, key) => {
      const v = attr(path, key);
      if (v === undefined || v === null) return undefined;
      return typeof v === 'string' ? v : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
    },
    attrList: (path, key) => {
      const v = attr(path, key);
      if (v === undefined || v === null) return undefined;
      return (Array.isArray(v) ? v : [v]).map((s) => String(s));
    },
    members: (path) => group(path)?.keys(),
    dataset: (path) => {
      const d = file.get(path);
      if (!(d instanceof h5wasm.Dataset)) throw new UserError(`${name}: no dataset '${path}' (the weights are incomplete)`);
      const v = d.value;
      // Keras stores float32; float16 or float64 weights are widened or narrowed to what we compute in.
      if (!ArrayBuffer.isView(v) || v instanceof DataView || typeof (v as unknown as ArrayLike<unknown>)[0] === 'bigint') {
        throw new UserError(`${name}: dataset '${path}' is not a float array (${JSON.stringify(d.dtype)})`);
      }
      const data = v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
      return { shape: d.shape ?? [], data };
    },
  };
}

/** HDF5's error stack ends with the most specific message: "truncated file: eof = …". */
function hdf5Message(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = [...text.matchAll(/#\d+: .* in \w+\(\): (.*)/g)].map((m) => m[1]!.trim());
  return lines.at(-1) ?? text.split('\n')[0]!.slice(0, 200);
}
