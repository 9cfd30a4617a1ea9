// A .keras file is a zip of a few entries (config.json, model.weights.h5, metadata.json). Node's
// zlib inflates; this reads the central directory (the authoritative list, at the end of the
// file) so that each entry's size and offset are known before any byte of it is inflated.
import { inflateRawSync } from 'node:zlib';
import { UserError } from '../../errors';

export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

interface Entry {
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export interface ZipReader {
  names: string[];
  /** The entry's bytes, or undefined when the zip has no such entry. */
  read(name: string): Buffer | undefined;
}

export function openZip(file: string, bytes: Buffer): ZipReader {
  const bad = (why: string) => new UserError(`${file}: not a readable zip archive (${why}); the file is truncated or corrupt`);
  // The end-of-central-directory record: 22 bytes plus a comment of up to 65535.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('no end-of-central-directory record');
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  // ZIP64 markers: a .keras file over 4 GiB, which the 2 GiB weights limit excludes anyway.
  if (at === 0xffffffff) throw bad('ZIP64 archives are not supported');
  const entries = new Map<string, Entry>();
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) throw bad('a broken central directory');
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength);
    entries.set(name, {
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extra + comment;
  }
  return {
    names: [...entries.keys()],
    read(name) {
      const e = entries.get(name);
      if (!e) return undefined;
      const local = e.localOffset;
      if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) throw bad(`entry '${name}' has no local header`);
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      if (start + e.compressedSize > bytes.length) throw bad(`entry '${name}' runs past the end of the file`);
      const raw = bytes.subarray(start, start + e.compressedSize);
      let out: Buffer;
      if (e.method === 0) out = raw;
      else if (e.method === 8) {
        try {
          // maxOutputLength: a corrupt size field cannot make us inflate more than it promises.
          out = inflateRawSync(raw, { maxOutputLength: Math.max(e.size, 1) });
        } catch (err) {
          throw bad(`entry '${name}' does not inflate: ${(err as Error).message}`);
        }
      } else throw bad(`entry '${name}' uses compression method ${e.method} (only stored and deflate are read)`);
      if (out.length !== e.size) throw bad(`entry '${name}' holds ${out.length} bytes, its header says ${e.size}`);
      return out;
    },
  };
}
