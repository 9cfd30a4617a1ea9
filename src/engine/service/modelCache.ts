import { statSync } from 'node:fs';
import * as path from 'node:path';
import { loadModel } from '../model/loadModel';
import type { LoadedModel } from '../model/loadedModel';

/**
 * Keeps loaded models between requests (loading InceptionV3 takes seconds), reloading one when its
 * model.json, or its sidecar, changed on disk. A few models at most stay in memory.
 */
export class ModelCache {
  private readonly entries = new Map<string, { stamp: string; model: Promise<LoadedModel> }>();

  constructor(private readonly capacity = 3) {}

  async get(file: string): Promise<LoadedModel> {
    const key = path.resolve(file);
    const stamp = fileStamp(key);
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) {
      // Most recently used goes last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.model;
    }
    if (hit) this.drop(key);
    const model = loadModel(key);
    this.entries.set(key, { stamp, model });
    model.catch(() => this.entries.delete(key));
    while (this.entries.size > this.capacity) this.drop(this.entries.keys().next().value as string);
    return model;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    entry?.model.then((m) => m.dispose(), () => undefined);
  }
}

function fileStamp(file: string): string {
  const parts = [file, file.replace(/\.json$/i, '.convscope.json')].map((f) => {
    try {
      const s = statSync(f);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  });
  return parts.join('|');
}
