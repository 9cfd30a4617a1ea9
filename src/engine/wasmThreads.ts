// The threaded SIMD build of tfjs-backend-wasm, in Node. The package ships it but never uses it
// here, and forcing its flag is not enough (tfjs-backend-wasm 4.22, dist/tf-backend-wasm.node.js):
//  1. WASM_HAS_MULTITHREAD_SUPPORT answers false whenever IS_NODE (flags_wasm).
//  2. With the flag forced, its init() gives Emscripten the pthread worker as a `blob:` URL, which
//     Node's worker_threads refuse (ERR_WORKER_PATH); and the script each worker must load is a
//     Blob, whose blob: URL the worker then tries to read as a file (ENOENT). Its text, the factory
//     as rolled up, also names the bundle's closure variables (require$$0, commonjsGlobal).
//  3. backend.cc caps the pool at emscripten_num_logical_cores() / 2, i.e. os.cpus().length / 2:
//     one thread on a 2-core machine, whatever setThreadsCount asks.
// So this builds the Emscripten module itself, from the package's own glue loaded from a real file
// (the workers load the same file), with a real worker script, the core count the cap should see,
// and hands it to the package's BackendWasm under the name 'wasm': the same kernels, ours included.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BackendWasm, setThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from './tf';

/** The Emscripten glue, the binary and the pthread worker script; the build puts all three in dist/. */
export const threadedWasmFiles = ['tfjs-backend-wasm-threaded-simd.js', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm-threaded-simd.worker.js'] as const;
const [glueFile, binaryFile, workerFile] = threadedWasmFiles;

/** The most threads the binary's pool takes (backend.cc's max_num_threads). */
export const maxWasmThreads = 8;

/**
 * Threads asked for by CONVSCOPE_WASM_THREADS: a count, or 'auto' for one per core (at most 8).
 * Unset, 0 or 1: the single-threaded SIMD build, as before.
 */
export function wantedWasmThreads(value = process.env.CONVSCOPE_WASM_THREADS, cores = availableParallelism()): number {
  if (!value) return 1;
  const n = value === 'auto' ? cores : Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`CONVSCOPE_WASM_THREADS must be a thread count or 'auto', not '${value}'`);
  return Math.min(Math.max(n, 1), maxWasmThreads);
}

/** Where the threaded files are: beside the bundle, else the package's wasm-out/ (runs from source). */
export function findThreadedWasm(): string | undefined {
  const own = typeof __dirname === 'string' ? __dirname : undefined;
  let pkg: string | undefined;
  try {
    pkg = join(dirname(createRequire(join(own ?? process.cwd(), 'noop.js')).resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
  } catch {
    pkg = undefined;
  }
  return [own, pkg].find((dir): dir is string => !!dir && threadedWasmFiles.every((f) => existsSync(join(dir, f))));
}

/**
 * The pthread worker as a script Node can start. The build writes one into dist/; the package's own
 * wasm-out/ file is a CommonJS module exporting the script as a string, so from source the script is
 * written once to the temp folder. Newlines inside its string literals are escaped as tfjs does.
 */
export function runnableWorkerScript(dir: string): string {
  const file = join(dir, workerFile);
  if (!readFileSync(file, 'utf8').startsWith('module.exports')) return file;
  const text = workerScriptText(file);
  const out = join(tmpdir(), `convscope-tfjs-wasm-${version_wasm}-threaded-simd.worker.js`);
  if (!existsSync(out) || readFileSync(out, 'utf8') !== text) {
    const partial = `${out}.${process.pid}`;
    writeFileSync(partial, text);
    renameSync(partial, out);
  }
  return out;
}

/** The worker script held by the package's wasm-out/ worker module (also used by the build). */
export function workerScriptText(moduleFile: string): string {
  const { wasmWorkerContents } = createRequire(moduleFile)(moduleFile) as { wasmWorkerContents: string };
  return wasmWorkerContents.replace(/\n/g, '\\n');
}

/** The parts of the Emscripten module this file touches. */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread: { unusedWorkers: Array<{ terminate(): unknown }>; runningWorkers: Array<{ unref(): void }> };
  tfjs?: Record<string, unknown>;
}
type Imports = WebAssembly.Imports & { env: WebAssembly.ModuleImports };

/** Starts the threaded module in `dir` with `threads` threads (the calling one included). */
async function startThreadedModule(dir: string, threads: number): Promise<ThreadedModule> {
  const glue = join(dir, glueFile);
  // A real require at run time, never bundled: the workers load this same file by its path.
  const factory = createRequire(glue)(glue) as (config: object) => Promise<ThreadedModule>;
  const worker = runnableWorkerScript(dir);
  const binary = readFileSync(join(dir, binaryFile));
  let failed: (e: unknown) => void = () => undefined;
  const instantiationFailed = new Promise<never>((_, reject) => (failed = reject));
  const module = factory({
    mainScriptUrlOrBlob: glue,
    locateFile: (path: string) => (path.endsWith('.worker.js') ? worker : join(dir, path)),
    // Our own instantiation, only to show the pool cap (cores / 2) twice the threads asked for.
    instantiateWasm(info: Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      const env = { ...info.env };
      const cores = Object.keys(env).find((k) => typeof env[k] === 'function' && (env[k] as () => number).name === '_emscripten_num_logical_cores');
      if (!cores) throw new Error('the threaded wasm glue has no _emscripten_num_logical_cores import');
      env[cores] = () => 2 * threads;
      WebAssembly.instantiate(binary, { ...info, env }).then(({ instance, module: m }) => receive(instance, m), failed);
      return {};
    },
  });
  // A worker that never reports back (a broken worker script) would otherwise hang start-up.
  let timer: NodeJS.Timeout | undefined;
  const tooSlow = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the threaded build did not start within ${startTimeoutMs / 1000} s`)), startTimeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([module, instantiationFailed, tooSlow]);
  } finally {
    clearTimeout(timer);
  }
}

const startTimeoutMs = 60_000;

/** A BackendWasm on the threaded module; what the stock factory does for the single-threaded one. */
export async function createThreadedWasmBackend(dir: string, threads: number): Promise<BackendWasm> {
  const module = await startThreadedModule(dir, threads);
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  setThreadsCount(threads);
  const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  // Emscripten pre-starts 8 workers; the pool took threads - 1 of them and nothing else starts
  // threads. The idle ones each hold a copy of the module: let them go. The pool's own stay for
  // good, blocked in wasm, and must not keep the process alive.
  for (const w of module.PThread.unusedWorkers.splice(0)) void w.terminate();
  for (const w of module.PThread.runningWorkers) w.unref();
  return backend;
}

interface Registration {
  factory: () => tf.KernelBackend | Promise<tf.KernelBackend>;
  priority: number;
}
let stock: Registration | undefined;

/** The 'wasm' backend, when it next starts, is the threaded one with `threads` threads. */
export function useThreadedWasm(threads: number): string {
  const dir = findThreadedWasm();
  if (!dir) throw new Error(`the threaded build (${threadedWasmFiles.join(', ')}) is missing`);
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, Registration> }).registryFactory;
  const current = registry['wasm'];
  if (!current) throw new Error("backend 'wasm' is not registered");
  stock ??= current;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => createThreadedWasmBackend(dir, threads), stock.priority);
  return dir;
}

/** Back to the package's own (single-threaded) 'wasm' backend, if useThreadedWasm replaced it. */
export function useStockWasm(): void {
  if (!stock) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', stock.factory, stock.priority);
  stock = undefined;
}
