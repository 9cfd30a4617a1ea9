// The wasm backend single-threaded vs its threaded build (src/engine/wasmThreads.ts), in child
// processes taken in turn (1, N, 1, N, …) so that both see the same background load:
//   node esbuild.mjs && node dist/bench/wasmThreads.js [--threads 2] [--rounds 2]
// Per child: threads reported by the backend, a 3×3 conv 64→64 on [1,64,64,64], a VGG-ish 128²
// forward, and its input + weight gradients (our wasm kernels), and style-apply's forward pass of the
// default transform network at 256² (issue 10's ≤ 150 ms target); wall and CPU medians, load average.
// The children also save their outputs so the parent can say how far the threaded results are
// from the single-threaded ones.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../src/engine/tf';
import { initBackend } from '../src/engine/backend';
import { buildVgg, seededNormal, seededUniform, vggishSpec } from './networks';
import { buildTransformNet, stylize } from '../src/engine/synthesis/fastStyle/transformNet';
import { measure, type Stat } from './timing';

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};

interface ChildResult {
  threads: number;
  package: string;
  sharedMemory: boolean;
  stats: Stat[];
  load: number[];
}

const outputs = ['conv', 'vggForward', 'vggInputGrad', 'vggWeightGrad', 'styleApply256'] as const;

/**
 * Runs `f` in a tidy and reads its result outside it: a tidy walks every element of an array it
 * returns, which for a 64×64×64 output costs ten times the conv itself.
 */
function read(f: () => tf.Tensor): Float32Array {
  const t = tf.tidy(f);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

async function child(outFile: string): Promise<void> {
  const info = await initBackend('wasm');
  const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
  const x = tf.tensor4d(seededNormal(1, 64 * 64 * 64, 1), [1, 64, 64, 64]);
  const k = tf.tensor4d(seededNormal(2, 9 * 64 * 64, Math.sqrt(2 / (9 * 64))), [3, 3, 64, 64]);
  const spec = vggishSpec(128);
  const model = buildVgg(spec, 3);
  const img = tf.tensor4d(seededUniform(4, 128 * 128 * 3), [1, 128, 128, 3]);
  const conv = (): Float32Array => read(() => tf.conv2d(x, k, 1, 'same'));
  const forward = (): Float32Array => read(() => model.predict(img) as tf.Tensor);
  const loss = (m: tf.Tensor): tf.Scalar => tf.sum(tf.square(model.apply(m) as tf.Tensor));
  const inputGrad = (): Float32Array => read(() => tf.grad(loss)(img));
  const weightGrad = (): Float32Array => read(() => {
    const { grads } = tf.variableGrads(() => loss(img));
    const g = Object.entries(grads).find(([name]) => name.includes('conv2_1') && name.includes('kernel'));
    if (!g) throw new Error('no gradient for conv2_1/kernel');
    return g[1];
  });
  const styleNet = buildTransformNet();
  const photo = tf.tensor4d(seededUniform(5, 256 * 256 * 3), [1, 256, 256, 3]);
  const styleApply = (): Float32Array => read(() => stylize(styleNet, photo));
  const stats = [
    await measure('conv 3×3 64→64 [1,64,64,64]', conv, { runs: 10, warmup: 3 }),
    await measure(`${spec.name} forward`, forward, { runs: 8, warmup: 2 }),
    await measure(`${spec.name} input gradient`, inputGrad, { runs: 4, warmup: 1 }),
    await measure(`${spec.name} all weight gradients`, weightGrad, { runs: 3, warmup: 1 }),
    await measure('style-apply 256² (transform net)', styleApply, { runs: 8, warmup: 2 }),
  ];
  const values = [conv(), forward(), inputGrad(), weightGrad(), styleApply()];
  writeFileSync(outFile, Buffer.concat(values.map((v) => Buffer.concat([Buffer.from(new Uint32Array([v.length]).buffer), Buffer.from(v.buffer, v.byteOffset, v.byteLength)]))));
  const result: ChildResult = { threads: info.wasmThreads ?? 1, package: info.package, sharedMemory: wasm.HEAPU8.buffer instanceof SharedArrayBuffer, stats, load: loadavg() };
  process.stdout.write(JSON.stringify(result));
}

function readOutputs(file: string): Float32Array[] {
  const buf = readFileSync(file);
  const out: Float32Array[] = [];
  for (let at = 0; at < buf.length;) {
    const n = buf.readUInt32LE(at);
    out.push(new Float32Array(buf.buffer.slice(buf.byteOffset + at + 4, buf.byteOffset + at + 4 + 4 * n)));
    at += 4 + 4 * n;
  }
  return out;
}

/** max |a − b| / max |b|, and how many elements differ at all. */
function compare(a: Float32Array, b: Float32Array): { rel: number; differing: number } {
  let diff = 0;
  let scale = 0;
  let differing = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs((a[i] ?? NaN) - b[i]!);
    if (!(d === 0)) differing++;
    diff = Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return { rel: diff / scale, differing };
}

async function parent(): Promise<void> {
  const threads = arg('--threads', 2);
  const rounds = arg('--rounds', 2);
  const dir = mkdtempSync(path.join(tmpdir(), 'convscope-threads-'));
  const runs: Record<number, ChildResult[]> = { 1: [], [threads]: [] };
  const files: Record<number, string> = {};
  try {
    for (let r = 0; r < rounds; r++) {
      for (const n of [1, threads]) {
        const file = path.join(dir, `out-${n}.bin`);
        const before = loadavg();
        const out = execFileSync(process.execPath, [process.argv[1]!, '--child', file], { env: { ...process.env, CONVSCOPE_WASM_THREADS: String(n) }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
        const res = JSON.parse(out) as ChildResult;
        runs[n]!.push(res);
        files[n] = file;
        console.log(`round ${r + 1}, CONVSCOPE_WASM_THREADS=${n}: threads ${res.threads}, shared memory ${res.sharedMemory}, load ${before.map((l) => l.toFixed(2)).join(' ')} → ${res.load.map((l) => l.toFixed(2)).join(' ')}`);
        for (const s of res.stats) console.log(`  ${s.label.padEnd(34)} wall ${s.median.toFixed(1).padStart(8)} ms  cpu ${s.cpuMedian.toFixed(1).padStart(8)} ms  cpu/wall ${(s.cpuMedian / s.median).toFixed(2)}`);
      }
    }
    console.log(`\nwall-time ratio single ÷ ${threads} threads (median over rounds of the per-round medians):`);
    const labels = runs[1]![0]!.stats.map((s) => s.label);
    labels.forEach((label, i) => {
      const ratios = runs[1]!.map((one, r) => one.stats[i]!.median / runs[threads]![r]!.stats[i]!.median);
      console.log(`  ${label.padEnd(34)} ${ratios.map((q) => q.toFixed(2)).join(', ')}`);
    });
    const [one, many] = [readOutputs(files[1]!), readOutputs(files[threads]!)];
    console.log(`\n${threads} threads vs single: max |diff| / max |single| (elements that differ)`);
    outputs.forEach((name, i) => {
      const c = compare(many[i]!, one[i]!);
      console.log(`  ${name.padEnd(14)} ${c.rel.toExponential(2)} (${c.differing} of ${one[i]!.length})`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (argv[0] === '--child') void child(argv[1]!).then(() => process.exit(0));
else void parent();
