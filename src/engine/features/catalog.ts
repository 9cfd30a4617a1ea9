import type { AnyFolderMethod } from './descriptor';
import { embedMethod } from './embedMethod';
import { featuresMethod } from './featuresMethod';
import { neighborsMethod } from './neighborsMethod';
import { patchesMethod } from './patchesMethod';

const all: readonly AnyFolderMethod[] = [featuresMethod, neighborsMethod, embedMethod, patchesMethod];

/** The folder methods (features, neighbours, embeddings, patches), each a CLI command and an engine request. */
export function folderMethods(): readonly AnyFolderMethod[] {
  return all;
}

export function folderMethod(command: string): AnyFolderMethod | undefined {
  return all.find((d) => d.command === command);
}
