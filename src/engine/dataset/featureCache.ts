import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FolderImage } from './imageFolder';

/** What a feature vector depends on besides the image: the model's bytes, the layer, the pooling, the preprocessing. */
export interface FeatureKey {
  modelSha256: string;
  layer: string;
  pool: string;
  /** The model's input size and preprocessing, as JSON (a sidecar change changes every feature). */
  input: string;
}

/** 1 GiB: a few hundred thousand pooled vectors; the oldest tables go first when it is exceeded. */
export const defaultCacheCapBytes = 1024 ** 3;

const magic = Buffer.from('CSFEAT1\n', 'latin1');
const version = 1;

interface Entry {
  /** Absolute path, file size and mtime: a changed file no longer matches and is recomputed. */
  p: string;
  s: number;
  m: number;
}

interface Header {
  version: number;
  key: FeatureKey;
  dim: number;
  entries: Entry[];
  sha256: string;
}

/**
 * The vectors of one key (model + layer + pooling + preprocessing) for every image seen with it,
 * held in memory while a run uses it and written back by `save`.
 */
export class FeatureTable {
  private readonly vectors = new Map<string, { entry: Entry; vector: Float32Array }>();
  private dirty = false;
  /** Set when the file on disk was unreadable or inconsistent and was thrown away. */
  discarded?: string;

  constructor(
    readonly key: FeatureKey,
    private readonly file: string | undefined,
    private readonly cache: FeatureCache | undefined,
  ) {}

  lookup(img: FolderImage): Float32Array | undefined {
    const hit = this.vectors.get(img.path);
    return hit && hit.entry.s === img.size && hit.entry.m === img.mtimeMs ? hit.vector : undefined;
  }

  put(img: FolderImage, vector: Float32Array): void {
    this.vectors.set(img.path, { entry: { p: img.path, s: img.size, m: img.mtimeMs }, vector });
    this.dirty = true;
  }

  get size(): number {
    return this.vectors.size;
  }

  /** Loads what the file holds; a file that fails any check is deleted and the table starts empty. */
  load(): void {
    if (!this.file) return;
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch {
      return; // no table yet
    }
    try {
      for (const [entry, vector] of parseTable(bytes, this.key)) this.vectors.set(entry.p, { entry, vector });
      utimesSync(this.file, new Date(), new Date()); // recently used: evicted last
    } catch (e) {
      this.discarded = `${this.file}: ${(e as Error).message}; discarded`;
      this.vectors.clear();
      try {
        unlinkSync(this.file);
      } catch {
        // already gone
      }
    }
  }

  /** Writes the table (to a temporary file, then renamed: a crash leaves the old table or the new one). */
  save(): void {
    if (!this.file || !this.dirty || this.vectors.size === 0) return;
    const items = [...this.vectors.values()];
    const dim = items[0]!.vector.length;
    const body = Buffer.alloc(items.length * dim * 4);
    items.forEach(({ vector }, i) => {
      if (vector.length !== dim) throw new Error(`feature cache: vector of ${vector.length} values in a table of dimension ${dim}`);
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(body, i * dim * 4);
    });
    const header: Header = { version, key: this.key, dim, entries: items.map((v) => v.entry), sha256: createHash('sha256').update(body).digest('hex') };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    const pad = Buffer.alloc((4 - ((magic.length + 4 + json.length) % 4)) % 4, 0x20);
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([magic, length, json, pad, body]));
    renameSync(tmp, this.file);
    this.dirty = false;
    this.cache?.enforceCap(this.file);
  }
}

function parseTable(bytes: Buffer, key: FeatureKey): Array<[Entry, Float32Array]> {
  if (bytes.length < magic.length + 4 || !bytes.subarray(0, magic.length).equals(magic)) throw new Error('not a feature table');
  const jsonLength = bytes.readUInt32LE(magic.length);
  const jsonEnd = magic.length + 4 + jsonLength;
  if (jsonEnd > bytes.length) throw new Error('truncated header');
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(magic.length + 4, jsonEnd).toString('utf8')) as Header;
  } catch {
    throw new Error('unreadable header');
  }
  if (header.version !== version) throw new Error(`version ${header.version}, expected ${version}`);
  if (JSON.stringify(header.key) !== JSON.stringify(key)) throw new Error('key does not match its file name');
  const start = jsonEnd + ((4 - (jsonEnd % 4)) % 4);
  const body = bytes.subarray(start);
  if (!Number.isInteger(header.dim) || header.dim < 1 || !Array.isArray(header.entries) || body.length !== header.entries.length * header.dim * 4) throw new Error('size does not match its header');
  if (createHash('sha256').update(body).digest('hex') !== header.sha256) throw new Error('checksum mismatch');
  // Copy out: the file's buffer need not be 4-byte aligned for a Float32Array view.
  const all = new Float32Array(new Uint8Array(body).buffer);
  return header.entries.map((entry, i) => [entry, all.slice(i * header.dim, (i + 1) * header.dim)]);
}

/**
 * Feature tables on disk under one folder, at most `capBytes` in all: after each write the least
 * recently used tables are deleted until the rest fit. Without a folder nothing is stored.
 */
export class FeatureCache {
  constructor(
    readonly dir: string | undefined,
    readonly capBytes = defaultCacheCapBytes,
  ) {}

  open(key: FeatureKey): FeatureTable {
    const file = this.dir ? path.join(this.dir, `${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32)}.feat`) : undefined;
    const table = new FeatureTable(key, file, this);
    table.load();
    return table;
  }

  enforceCap(keep: string): void {
    if (!this.dir) return;
    const tables = readdirSync(this.dir)
      .filter((n) => n.endsWith('.feat'))
      .map((n) => path.join(this.dir!, n))
      .flatMap((f) => {
        try {
          const s = statSync(f);
          return [{ file: f, bytes: s.size, used: s.mtimeMs }];
        } catch {
          return [];
        }
      })
      .sort((a, b) => a.used - b.used);
    let total = tables.reduce((s, t) => s + t.bytes, 0);
    for (const t of tables) {
      if (total <= this.capBytes) break;
      if (t.file === keep) continue;
      try {
        unlinkSync(t.file);
        total -= t.bytes;
      } catch {
        // another engine removed it
      }
    }
  }
}
