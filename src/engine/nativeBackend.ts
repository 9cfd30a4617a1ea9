import { createRequire, Module } from 'node:module';
import { join } from 'node:path';
import * as tfjs from '@tensorflow/tfjs';

/**
 * The native backends (@tensorflow/tfjs-node, -gpu) are optional and never bundled: they are
 * required from node_modules at run time, and only if installed there. Each one does
 * `require('@tensorflow/tfjs')`; from a bundle that would load a second copy of TensorFlow.js
 * (whose kernel registrations print hundreds of "already registered" warnings), so the module
 * cache is primed with the copy this engine already uses, and both share one engine and registry.
 */
export function loadNativeBackend(pkg: string, from: string = typeof __dirname === 'string' ? __dirname : process.cwd()): unknown {
  const requireHere = createRequire(join(from, 'noop.js'));
  let entry: string;
  try {
    entry = requireHere.resolve(pkg);
  } catch {
    throw new Error(`not installed (looked for '${pkg}' from ${from})`);
  }
  shareOurTfjs(entry);
  return requireHere(entry);
}

/** Makes `require('@tensorflow/tfjs')` from the native package's files return our instance. */
function shareOurTfjs(nativeEntry: string): void {
  let umbrella: string;
  try {
    umbrella = createRequire(nativeEntry).resolve('@tensorflow/tfjs');
  } catch {
    return; // it has no copy of its own to resolve, so nothing can be duplicated
  }
  const cache = createRequire(nativeEntry).cache;
  if (cache[umbrella]) return;
  const shared = new Module(umbrella);
  shared.filename = umbrella;
  shared.exports = tfjs;
  shared.loaded = true;
  cache[umbrella] = shared;
}
