import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/**
 * The binaries the wasm backend may pick in Node: vanilla, and SIMD (what Node 20+ gets). The
 * threaded build is never picked by the package in Node; wasmThreads.ts starts it on request.
 */
export const requiredWasmBinaries = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/** The first folder that holds every required binary, or undefined. */
export function findWasmBinaries(folders: readonly (string | undefined)[]): string | undefined {
  return folders.find((dir): dir is string => !!dir && requiredWasmBinaries.every((f) => existsSync(join(dir, f))));
}

/** Where the running code is: dist/ for a bundle (the build copies the binaries there). */
function ownFolder(): string | undefined {
  return typeof __dirname === 'string' ? __dirname : undefined;
}

/** The package's own dist/ folder when node_modules is there (runs from source, tests). */
function packageFolder(): string | undefined {
  try {
    const from = ownFolder() ?? process.cwd();
    return dirname(createRequire(join(from, 'noop.js')).resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    return undefined;
  }
}

/**
 * Points the wasm backend at its binaries before it initialises: beside the bundle first, else in
 * node_modules. Throws one line naming where it looked, so the backend picker skips wasm with a
 * reason instead of Emscripten aborting with a page of text.
 */
export function useWasmBinaries(): string {
  const folders = [ownFolder(), packageFolder()];
  const dir = findWasmBinaries(folders);
  if (!dir) throw new Error(`its binaries (${requiredWasmBinaries.join(', ')}) are missing from ${folders.filter(Boolean).join(' and ') || 'the engine folder'}`);
  setWasmPaths(dir.endsWith(sep) ? dir : dir + sep);
  return dir;
}
