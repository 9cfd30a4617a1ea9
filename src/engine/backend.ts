import * as tf from './tf';
import { registerWasmGradientKernels } from './kernels/registerWasmKernels';
import { registerCpuKernelFixes } from './kernels/cpuResizeNearestNeighborGrad';
import { injectFaultyKernel } from './kernels/faultInjection';
import { selfCheckWasmKernels } from './kernels/selfCheck';
import { loadNativeBackend } from './nativeBackend';
import { useWasmBinaries } from './wasmBinaries';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { useStockWasm, useThreadedWasm, wantedWasmThreads } from './wasmThreads';

/** What the user asked for; 'auto' tries the fastest first. */
export type BackendPreference = 'auto' | 'native-gpu' | 'native' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** TF.js backend name in use: 'tensorflow' (tfjs-node or tfjs-node-gpu), 'wasm' or 'cpu'. */
  name: string;
  /** The npm package that provides it. */
  package: string;
  tfjsVersion: string;
  /** Why faster candidates were skipped, one line each (shown once to the user). */
  skipped: string[];
  /** Set when our wasm kernels failed the start-up self-check and the stock ones are used. */
  kernelWarning?: string;
  /** Threads of the wasm backend's pool (1: the single-threaded build). */
  wasmThreads?: number;
}

interface Candidate {
  pref: Exclude<BackendPreference, 'auto'>;
  package: string;
  backendName: string;
  load: () => Promise<unknown>;
}

// The native packages are required at run time from node_modules, never bundled: a missing
// optional package only makes its candidate fail instead of the whole engine. The wasm binaries
// are found beside the bundle (or in node_modules when run from source).
const threadsAsked = (): boolean => !/^[01]?$/.test(process.env.CONVSCOPE_WASM_THREADS ?? '');
const candidates = (): Candidate[] => [
  { pref: 'native-gpu', package: '@tensorflow/tfjs-node-gpu', backendName: 'tensorflow', load: async () => loadNativeBackend('@tensorflow/tfjs-node-gpu') },
  { pref: 'native', package: '@tensorflow/tfjs-node', backendName: 'tensorflow', load: async () => loadNativeBackend('@tensorflow/tfjs-node') },
  // The threaded build only when CONVSCOPE_WASM_THREADS asks for it; the single-threaded one is next.
  ...(threadsAsked() ? [{ pref: 'wasm' as const, package: '@tensorflow/tfjs-backend-wasm (threaded)', backendName: 'wasm', load: async () => useThreadedWasm(wantedWasmThreads()) }] : []),
  { pref: 'wasm', package: '@tensorflow/tfjs-backend-wasm', backendName: 'wasm', load: async () => { useStockWasm(); return useWasmBinaries(); } },
  { pref: 'cpu', package: '@tensorflow/tfjs-backend-cpu', backendName: 'cpu', load: async () => undefined },
];

let current: BackendInfo | undefined;

/**
 * Picks the fastest backend that actually loads, starting at the preferred one and falling back
 * down the list. Idempotent: later calls return the backend chosen first.
 */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendInfo> {
  if (current) return current;
  // The cpu backend is every test's reference and the last fallback: its kernels must be right.
  registerCpuKernelFixes();
  const list = candidates();
  const start = preference === 'auto' ? 0 : list.findIndex((c) => c.pref === preference);
  const skipped: string[] = [];
  for (const c of list.slice(Math.max(0, start))) {
    try {
      await c.load();
      if (!(await tf.setBackend(c.backendName))) throw new Error(`backend '${c.backendName}' did not initialise`);
      await tf.ready();
      let kernelWarning: string | undefined;
      if (c.backendName === 'wasm') {
        registerWasmGradientKernels();
        const faulty = process.env.CONVSCOPE_TEST_FAULTY_KERNEL;
        if (faulty) injectFaultyKernel(faulty);
        kernelWarning = selfCheckWasmKernels().warning;
      }
      const wasmThreads = c.backendName === 'wasm' ? { wasmThreads: getThreadsCount() } : {};
      current = { name: c.backendName, package: c.package, tfjsVersion: tf.version_core, skipped, ...(kernelWarning ? { kernelWarning } : {}), ...wasmThreads };
      return current;
    } catch (e) {
      skipped.push(`${c.package}: ${firstLine(e)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start:\n${skipped.join('\n')}`);
}

/** The backend chosen by initBackend; throws if the engine has not started one yet. */
export function backendInfo(): BackendInfo {
  if (!current) throw new Error('initBackend() has not run');
  return current;
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0] ?? text;
}
