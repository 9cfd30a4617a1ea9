// Fast style transfer (`npm run bench`, after the synthesis section; `--style-only` runs just the
// Gatys iteration and this): one style-apply forward pass of the default transform network at 256²
// and 512², one style-train step at the training defaults, both read against one Gatys iteration at
// 256² (synthesisBench.ts), and that Gatys iteration in PyTorch on the same network shape when a
// Python with torch is at hand (bench/pytorchGatys.py), ours timed again right after it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../src/engine/tf';
import type { LoadedModel } from '../src/engine/model/loadedModel';
import { styleTrainDefaults, trainStyleNetwork } from '../src/engine/synthesis/fastStyle/training';
import { buildTransformNet, defaultTransformNetShape, stylize } from '../src/engine/synthesis/fastStyle/transformNet';
import { seededUniform } from './networks';
import { benchGatys, type SynthesisBenchDeps } from './synthesisBench';
import { fmtMs, median, type Stat } from './timing';
import { findTorchPython } from './torchCompare';

export interface StyleBenchDeps extends SynthesisBenchDeps {
  log(line: string): void;
  /** Adds a timing measured elsewhere to the summary table (and prints it). */
  report(section: string, stat: Stat): Stat;
}

/** style-apply at 256² should take at most this on one wasm core (the target). */
const applyTargetMs = 150;
const repoRoot = path.join(__dirname, '..', '..');
const never = new AbortController().signal;

export async function benchStyle(featureNet: LoadedModel, gatys: Stat, deps: StyleBenchDeps, runs: number): Promise<void> {
  const apply256 = await benchApply(deps, runs);
  deps.ratio('style-apply 256² ÷ one Gatys iteration 256²', apply256, gatys);
  const train = await benchTrainStep(featureNet, deps, runs <= 3 ? 3 : 4);
  if (train) deps.ratio(`style-train step (${styleTrainDefaults.size}², batch ${styleTrainDefaults.batch}) ÷ one Gatys iteration 256²`, train, gatys);
  await benchTorchGatys(featureNet, deps, runs <= 3 ? 2 : 3);
}

/** One forward pass of a freshly built default transform net (weights do not change its cost), read back. */
async function benchApply(deps: StyleBenchDeps, runs: number): Promise<Stat> {
  const { width, residualBlocks } = defaultTransformNetShape;
  const net = buildTransformNet();
  const inputs = [256, 512].map((s) => tf.tensor4d(seededUniform(100 + s, s * s * 3), [1, s, s, 3]));
  try {
    const pass = (x: tf.Tensor4D) => () => {
      const y = stylize(net, x);
      y.dataSync();
      y.dispose();
    };
    const [a256, a512] = await deps.timedTogether(`transform net (width ${width}, ${residualBlocks} res. blocks)`, [
      { label: 'style-apply 256² (one forward pass)', fn: pass(inputs[0]!) },
      { label: 'style-apply 512² (one forward pass)', fn: pass(inputs[1]!) },
    ], runs);
    const met = a256!.median <= applyTargetMs;
    deps.log(`  style-apply 256²: median ${fmtMs(a256!.median)} wall (min ${fmtMs(a256!.min)}, cpu ${fmtMs(a256!.cpuMedian)}) — target ≤ ${applyTargetMs} ms wall: ${met ? 'met' : 'NOT met'}`);
    deps.note(`style-apply 256²: ${a256!.median.toFixed(0)} ms median (min ${a256!.min.toFixed(0)}), CPU ${a256!.cpuMedian.toFixed(0)} ms; target ≤ ${applyTargetMs} ms wall: ${met ? 'met' : 'NOT met'}; 512²: ${a512!.median.toFixed(0)} ms (min ${a512!.min.toFixed(0)}); 512² ÷ 256² ${(a512!.median / a256!.median).toFixed(2)}× (4× the pixels).`);
    return a256!;
  } finally {
    tf.dispose(inputs);
    net.dispose();
  }
}

/**
 * style-train steps at the defaults (transform net forward + backward, perceptual loss through the
 * feature network, Adam on the weights), through trainStyleNetwork itself on the sample photos and
 * style: step 1 is a warm-up; the later steps' wall times come from the curve (cumulative
 * seconds), their CPU times from the gaps between onStep calls.
 */
async function benchTrainStep(featureNet: LoadedModel, deps: StyleBenchDeps, steps: number): Promise<Stat | undefined> {
  const dir = mkdtempSync(path.join(tmpdir(), 'convscope-bench-style-'));
  const cpuAt: number[] = [];
  try {
    const started = performance.now();
    const result = await trainStyleNetwork(featureNet, {
      style: path.join(repoRoot, 'samples', 'styles', 'scream.jpg'),
      contentDir: path.join(repoRoot, 'samples', 'photos'),
      outModel: path.join(dir, 'net'),
      steps,
      checkpointEvery: steps,
    }, {
      progress: () => undefined,
      signal: never,
      onStep: () => {
        const c = process.cpuUsage();
        cpuAt.push((c.user + c.system) / 1000);
      },
    });
    const total = performance.now() - started;
    const secs = result.curve.map((p) => p.seconds);
    const wall = secs.slice(1).map((s, i) => (s - secs[i]!) * 1000);
    const cpu = cpuAt.slice(1).map((c, i) => c - cpuAt[i]!);
    if (wall.length === 0) return undefined;
    const stat: Stat = { label: `style-train step (${styleTrainDefaults.size}², batch ${styleTrainDefaults.batch})`, runs: wall.length, median: median(wall), min: Math.min(...wall), max: Math.max(...wall), cpuMedian: median(cpu) };
    deps.report('InceptionV3 style-train', stat);
    deps.log(`  (step 1, left out: ${fmtMs(secs[0]! * 1000)}; the whole run with the style Grams and the checkpoint: ${fmtMs(total)})`);
    deps.note(`style-train step at ${styleTrainDefaults.size}², batch ${styleTrainDefaults.batch}: ${stat.median.toFixed(0)} ms wall, ${stat.cpuMedian.toFixed(0)} ms CPU (${(3600_000 / stat.median).toFixed(0)} steps/hour; the default ${styleTrainDefaults.steps} steps ≈ ${((styleTrainDefaults.steps * stat.median) / 60_000).toFixed(0)} min).`);
    return stat;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface TorchGatys {
  torch: string;
  torchvision: string;
  threads: number;
  mkldnn: boolean;
  blas: string;
  blas_library: string;
  wall_ms: number[];
  wall_median_ms: number;
  wall_min_ms: number;
  cpu_median_ms: number;
}

/**
 * bench/pytorchGatys.py, when a Python imports torch; ours ÷ PyTorch, wall and CPU. Ours is timed
 * again right after the PyTorch child (minutes separate it from section 5's timing on a machine
 * whose load swings), so that both see about the same background load.
 */
async function benchTorchGatys(featureNet: LoadedModel, deps: StyleBenchDeps, runs: number): Promise<void> {
  const found = findTorchPython();
  if (!found.python) {
    deps.log(`  PyTorch Gatys comparison skipped: torch is not importable (${found.reasons.join('; ')}). To enable: apt-get install python3-torch python3-torchvision`);
    deps.note('PyTorch Gatys comparison skipped: torch not importable; enable with `apt-get install python3-torch python3-torchvision`.');
    return;
  }
  const script = path.join(repoRoot, 'bench', 'pytorchGatys.py');
  const r = spawnSync(found.python, [script, JSON.stringify({ size: 256, runs, threads: 2, seed: 1 })], { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 20 });
  const why = r.error ? r.error.message : r.status !== 0 ? `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()}` : undefined;
  if (why) {
    deps.log(`  PyTorch Gatys comparison failed (${found.python} ${script}: ${why})`);
    deps.note(`PyTorch Gatys comparison failed: ${why}`);
    return;
  }
  let t: TorchGatys;
  try {
    t = JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchGatys;
  } catch (e) {
    deps.note(`PyTorch Gatys comparison: unreadable output (${e instanceof Error ? e.message : String(e)})`);
    return;
  }
  const stat: Stat = { label: 'PyTorch Gatys iteration', runs: t.wall_ms.length, median: t.wall_median_ms, min: t.wall_min_ms, max: Math.max(...t.wall_ms), cpuMedian: t.cpu_median_ms };
  deps.report('PyTorch InceptionV3 256² style', stat);
  deps.log(`  PyTorch ${t.torch} / torchvision ${t.torchvision} (${found.python}, ${t.threads} threads, mkldnn ${t.mkldnn}, BLAS ${t.blas}: ${t.blas_library}), inception_v3 up to Mixed_6a, 256², softmax Grams, Adam on the pixels; 1 warm-up`);
  const gatys = await benchGatys(featureNet, deps, runs, "Gatys iteration, again right after PyTorch's");
  const reference = t.blas === 'generic' && !/openblas|mkl|blis|atlas/i.test(t.blas_library);
  deps.ratio(`InceptionV3 256² Gatys iteration: ours (wasm, 1 thread) ÷ PyTorch (2 threads${reference ? ', reference BLAS' : ''})`, gatys, stat, `; cpu ${fmtMs(gatys.cpuMedian)} / ${fmtMs(stat.cpuMedian)}`);
  if (reference) deps.note(`PyTorch's matmuls (the Grams) ran on the reference BLAS (${t.blas_library}): ~10-30× slower than OpenBLAS there, which flatters ours. For a fairer anchor install libopenblas0, or put its folder first on LD_LIBRARY_PATH for the bench (the PyTorch child inherits the environment).`);
}
