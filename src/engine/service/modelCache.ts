import { statSync } from 'node:fs';
import * as path from 'node:path';
import { loadModel } from '../model/loadModel';
import type { LoadedModel } from '../model/loadedModel';
import { sidecarPath } from '../model/preprocessing';

/**
 * One loaded (or loading) model and the jobs that hold it. An entry leaves the cache when it is
 * evicted or its files changed, but its tensors are freed only when the last job holding it ends:
 * a long batched run must not find its weights disposed because the user opened other models.
 */
interface Entry {
  readonly stamp: string;
  readonly model: Promise<LoadedModel>;
  /** The model once loaded, so that releasing it frees its tensors synchronously. */
  loaded?: LoadedModel;
  users: number;
  /** No longer in the cache: freed when `users` drops to 0. */
  retired: boolean;
  disposed: boolean;
}

export interface ModelCacheOptions {
  /** Models kept between requests (those in use by a job are kept beyond this until it ends). */
  capacity?: number;
  /** Loads a model file (tests pass a fake). */
  load?: (file: string) => Promise<LoadedModel>;
}

/**
 * Keeps loaded models between requests (loading InceptionV3 takes seconds), reloading one when its
 * model.json, or its sidecar, changed on disk. A few models at most stay in memory.
 *
 * Models are only reachable through `use`, which holds the model for the callback's duration, so a
 * job cannot forget to release it, nor keep using it after release.
 */
export class ModelCache {
  private readonly entries = new Map<string, Entry>();
  private readonly capacity: number;
  private readonly load: (file: string) => Promise<LoadedModel>;

  constructor(options: ModelCacheOptions = {}) {
    this.capacity = options.capacity ?? 3;
    this.load = options.load ?? loadModel;
  }

  /** Runs `job` with the model of `file`, which stays alive (not disposed) until `job` settles. */
  async use<T>(file: string, job: (model: LoadedModel) => Promise<T> | T): Promise<T> {
    const entry = this.acquire(path.resolve(file));
    try {
      return await job(await entry.model);
    } finally {
      this.release(entry);
    }
  }

  /** Models in the cache (not counting retired ones still held by a running job). */
  get size(): number {
    return this.entries.size;
  }

  /** Empties the cache; models in use are freed when their jobs end. */
  clear(): void {
    for (const key of [...this.entries.keys()]) this.retire(key);
  }

  /** Finds or starts loading the model and counts one more user; synchronous, so no await can slip between lookup and count. */
  private acquire(key: string): Entry {
    const stamp = fileStamp(key);
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) {
      // Most recently used goes last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      hit.users++;
      return hit;
    }
    if (hit) this.retire(key);
    const entry: Entry = { stamp, model: this.load(key), users: 1, retired: false, disposed: false };
    this.entries.set(key, entry);
    entry.model.then(
      (m) => (entry.loaded = m),
      // A failed load is not cached (the next request tries again); its users see the error from `use`.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.evictBeyondCapacity();
    return entry;
  }

  private release(entry: Entry): void {
    entry.users--;
    if (entry.users === 0 && entry.retired) this.dispose(entry);
  }

  private evictBeyondCapacity(): void {
    // Least recently used first; the entry just added is last, so it is never the one evicted.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.capacity) return;
      this.retire(key);
    }
  }

  /** Takes the entry out of the cache at once (new requests load afresh); frees it now if no job holds it. */
  private retire(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.retired = true;
    if (entry.users === 0) this.dispose(entry);
  }

  private dispose(entry: Entry): void {
    if (entry.disposed) return;
    entry.disposed = true;
    if (entry.loaded) entry.loaded.dispose();
    else
      entry.model.then(
        (m) => m.dispose(),
        () => undefined,
      );
  }
}

function fileStamp(file: string): string {
  const parts = [file, sidecarPath(file)].map((f) => {
    try {
      const s = statSync(f);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  });
  return parts.join('|');
}
