// Start-up self-check: every wasm kernel of ours runs once on a small seeded case and is compared
// with the cpu backend. A kernel that disagrees (a TF.js upgrade that changed the heap rules, a
// regression) would give silently wrong pictures, so on any mismatch all our kernels come out and
// the stock ones are used; the engine says so where the user looks (ready, status bar, CLI).
import { performance } from 'node:perf_hooks';
import { kernelCases, relativeError, runKernelCase } from './kernelCases';
import { ourKernelNames, restoreStockKernels } from './registerWasmKernels';

/** float32 sums in a different order: ~1e-7 relative; a broken kernel is off by O(1). */
const tolerance = 1e-4;

export interface KernelCheck {
  /** True when every kernel of ours agreed with cpu (or none is registered). */
  ok: boolean;
  /** One line per disagreeing kernel. */
  failures: string[];
  /** What the user is told when `ok` is false; undefined otherwise. */
  warning?: string;
  ms: number;
}

export function selfCheckWasmKernels(): KernelCheck {
  const t0 = performance.now();
  const ours = new Set(ourKernelNames());
  const failures: string[] = [];
  for (const c of kernelCases().filter((k) => ours.has(k.kernel))) {
    try {
      const err = relativeError(runKernelCase('wasm', c), runKernelCase('cpu', c));
      if (!(err <= tolerance)) failures.push(`${c.kernel}: relative error ${err.toPrecision(3)} against the cpu backend`);
    } catch (e) {
      failures.push(`${c.kernel}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (failures.length === 0) return { ok: true, failures, ms: performance.now() - t0 };
  restoreStockKernels();
  const names = [...new Set(failures.map((f) => f.split(':')[0]))].join(', ');
  const warning = `ConvScope's wasm gradient kernels failed their self-check (${names}); using the stock TF.js kernels instead (slower; the gradients wasm lacks run on the cpu backend)`;
  return { ok: false, failures, warning, ms: performance.now() - t0 };
}
