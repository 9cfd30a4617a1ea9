// ConvScope benchmark: ratios measured in one run, on the same networks and inputs.
//   node esbuild.mjs && node dist/bench/bench.js [--quick] [--no-vgg16] [--no-torch] [--no-stock-vgg16] [--no-synthesis] [--no-style] [--style-only] [--no-folders] [--folders-only] [--no-threads]
// --folders-only: section 7 alone (folder features, batching and cache; t-SNE and UMAP against PCA).
// --style-only: sections 1–4 and the DeepDream and inversion steps skipped: the Gatys iteration, the
// Adam vs L-BFGS comparison (not with --quick) and the fast style transfer part.
// Every figure is the median of several runs after a warm-up; absolute times are printed too, but
// they depend on the machine and its load: the ratios are the point. Timings that form a ratio are
// taken round-robin so they see the same background load. Nothing here asserts.
import * as tf from '../src/engine/tf';
import { initBackend } from '../src/engine/backend';
import { useStockConv2DBackpropInput } from '../src/engine/kernels/registerWasmKernels';
import { loadModel } from '../src/engine/model/loadModel';
import type { LoadedModel } from '../src/engine/model/loadedModel';
import { inputGradient } from '../src/engine/methods/inputGradient';
import { vanillaGradient } from '../src/engine/methods/vanillaGradient';
import { occlusion } from '../src/engine/methods/occlusion';
import { objective, resolveTarget } from '../src/engine/methods/target';
import type { Target } from '../src/engine/methods/types';
import { convLayerCount, paramCount, seededUniform, vgg16Spec, vggishSpec, writeVgg, type VggSpec } from './networks';
import { fmtMs, fmtRatio, measure, measureInterleaved, table, type Stat } from './timing';
import { runTorchBench, type TorchOutcome } from './torchCompare';
import { benchGatys, benchSynthesis } from './synthesisBench';
import { benchStyle } from './styleBench';
import { benchStyleOptimizers } from './optimizerBench';
import { benchFolders } from './folderBench';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const argv = new Set(process.argv.slice(2));
const quick = argv.has('--quick');
const styleOnly = argv.has('--style-only');
const foldersOnly = argv.has('--folders-only');
const withStyle = !argv.has('--no-style') && !argv.has('--no-synthesis');
const withFolders = !argv.has('--no-folders') && !styleOnly;
const withVgg16 = !argv.has('--no-vgg16') && !styleOnly && !foldersOnly;
const withTorch = !argv.has('--no-torch') && withVgg16;
const stockOnVgg16 = !argv.has('--no-stock-vgg16') && !quick;
const SEED = 16;
const runs = { big: quick ? 3 : 7, small: quick ? 3 : 9, slow: 3 };

interface Row {
  section: string;
  stat: Stat;
}
const rows: Row[] = [];
const ratios: { name: string; value: number; cpu?: number; detail: string; target?: string }[] = [];

/** A ratio of two wall-clock medians, with the ratio of their CPU-time medians alongside. */
function ratio(name: string, a: Stat, b: Stat, extra = '', target?: string): void {
  ratios.push({ name, value: a.median / b.median, cpu: a.cpuMedian / b.cpuMedian, detail: `${fmtMs(a.median)} / ${fmtMs(b.median)}${extra}`, target });
}
const notes: string[] = [];
const log = (s: string) => process.stdout.write(`${s}\n`);

function report(section: string, stat: Stat): Stat {
  rows.push({ section, stat });
  log(`  ${stat.label.padEnd(48)} median ${fmtMs(stat.median).padStart(8)}  (min ${fmtMs(stat.min)}, max ${fmtMs(stat.max)}, cpu ${fmtMs(stat.cpuMedian)}, n=${stat.runs})`);
  return stat;
}

async function timed(section: string, label: string, fn: () => unknown, n: number): Promise<Stat> {
  return report(section, await measure(label, fn, { runs: n }));
}

/** Times the functions round-robin; see measureInterleaved. */
async function timedTogether(section: string, items: { label: string; fn: () => unknown }[], n: number): Promise<Stat[]> {
  return (await measureInterleaved(items, { runs: n })).map((stat) => report(section, stat));
}

/** Runs `fn` with the stock wasm Conv2DBackpropInput in place of ours. */
function withStockKernel(fn: () => void): () => void {
  return () => {
    useStockConv2DBackpropInput(true);
    try {
      fn();
    } finally {
      useStockConv2DBackpropInput(false);
    }
  };
}

/** Runs a tensor-producing function and reads the result back (so the work really happens). */
function readBack(fn: () => tf.Tensor): void {
  const t = tf.tidy(fn);
  t.dataSync();
  t.dispose();
}

function seededInput(size: number): tf.Tensor4D {
  return tf.tensor4d(seededUniform(SEED + size, size * size * 3), [1, size, size, 3]);
}

async function load(spec: VggSpec): Promise<{ model: LoadedModel; cleanup: () => void }> {
  const t0 = performance.now();
  const { file, cleanup } = await writeVgg(spec, SEED);
  const t1 = performance.now();
  const model = await loadModel(file);
  log(`  ${spec.name}: ${convLayerCount(spec)} conv layers, ${(paramCount(spec) / 1e6).toFixed(1)} M params; built+saved ${fmtMs(t1 - t0)}, loadModel on '${tf.getBackend()}' ${fmtMs(performance.now() - t1)}`);
  return { model, cleanup };
}

function relL2(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i]! - b[i]!) ** 2;
    n += b[i]! ** 2;
  }
  return Math.sqrt(d / n);
}

function gradValues(model: LoadedModel, x: tf.Tensor4D, target: Target): Float32Array {
  const g = inputGradient(model, x, target);
  const v = g.dataSync() as Float32Array;
  g.dispose();
  return v;
}

const noProgress = () => undefined;

/** One profiled run: kernel time per kernel name, largest first (op wrappers '…__op' left out). */
async function breakdown(label: string, fn: () => void): Promise<void> {
  const p = await tf.profile(fn);
  const by = new Map<string, number>();
  for (const k of p.kernels) {
    if (k.name.endsWith('__op')) continue;
    by.set(k.name, (by.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  }
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  const top = [...by].sort((a, b) => b[1] - a[1]).slice(0, 7);
  log(`  kernel time, ${label} (one profiled run, ${fmtMs(total)} in kernels): ${top.map(([k, v]) => `${k} ${fmtMs(v)} (${((100 * v) / total).toFixed(0)}%)`).join(', ')}`);
}

async function main(): Promise<void> {
  const info = await initBackend('wasm');
  const startTensors = tf.memory().numTensors;
  const t0 = performance.now();
  log(`ConvScope bench — tfjs ${info.tfjsVersion}, backend '${info.name}' (${info.package}), Node ${process.version}, ${os.cpus().length} CPUs, load avg ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  log(`tf.memory().numTensors at start: ${startTensors}${quick ? '   [--quick]' : ''}`);

  // 1. VGG-16 on wasm: input gradient ÷ forward; stock vs our Conv2DBackpropInput.
  let vggFwd: Stat | undefined;
  let vggGrad: Stat | undefined;
  if (withVgg16) {
    log('\n[1] VGG-16 224×224×3, batch 1, wasm');
    await tf.setBackend('wasm');
    const { model, cleanup } = await load(vgg16Spec);
    const x = seededInput(224);
    try {
      const target = resolveTarget(model, x);
      const forward = () => readBack(() => model.forward(x).logits);
      const grad = () => readBack(() => inputGradient(model, x, target));
      [vggFwd, vggGrad] = await timedTogether('VGG-16 224² wasm', [
        { label: 'forward (model.forward)', fn: forward },
        { label: 'input gradient (inputGradient)', fn: grad },
      ], runs.big);
      ratio('VGG-16 224² wasm: input gradient ÷ forward', vggGrad!, vggFwd!, '', '≤ 2.5');
      await breakdown('forward', forward);
      await breakdown('input gradient', grad);
      const ac = new AbortController();
      await timed('VGG-16 224² wasm', 'vanillaGradient method (+target fwd, map)', () => vanillaGradient(model, x, {}, noProgress, ac.signal), runs.slow);
      if (stockOnVgg16) {
        const [ours, stock] = await timedTogether('VGG-16 224² wasm', [
          { label: 'input gradient, our Conv2DBackpropInput', fn: grad },
          { label: 'input gradient, STOCK Conv2DBackpropInput', fn: withStockKernel(grad) },
        ], runs.slow);
        ratio('VGG-16 224² input gradient: stock ÷ our kernel', stock!, ours!);
      }
    } finally {
      x.dispose();
      model.dispose();
      cleanup();
    }
    log(`  peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (the VGG-16 weights are 528 MiB)`);
  } else if (!foldersOnly) {
    notes.push('VGG-16 skipped (--no-vgg16).');
  }

  // PyTorch on the same VGG-16 shape, right after ours so the background load is similar.
  let torch: TorchOutcome | undefined;
  if (withTorch && vggFwd && vggGrad) {
    log('\n[1b] PyTorch, same VGG-16 shape, 1×3×224×224 float32, eval, 2 threads');
    torch = runTorchBench(vgg16Spec, 5, SEED);
    if (torch.ok) {
      const t = torch.result;
      log(`  torch ${t.torch} (${t.python}, ${t.threads} threads, mkldnn ${t.mkldnn}): forward ${fmtMs(t.forward_median_ms)} (cpu ${fmtMs(t.forward_cpu_median_ms)}), input gradient ${fmtMs(t.grad_median_ms)} (cpu ${fmtMs(t.grad_cpu_median_ms)}); medians of ${t.forward_ms.length} after 1 warm-up, round-robin`);
      const vs = (name: string, ours: Stat, wall: number, cpu: number) =>
        ratios.push({ name, value: ours.median / wall, cpu: ours.cpuMedian / cpu, detail: `${fmtMs(ours.median)} / ${fmtMs(wall)}; cpu ${fmtMs(ours.cpuMedian)} / ${fmtMs(cpu)}` });
      vs('VGG-16 forward: ours (wasm, 1 thread) ÷ PyTorch (2 threads)', vggFwd, t.forward_median_ms, t.forward_cpu_median_ms);
      vs('VGG-16 input gradient: ours ÷ PyTorch', vggGrad, t.grad_median_ms, t.grad_cpu_median_ms);
      ratios.push({ name: 'VGG-16 PyTorch: input gradient ÷ forward', value: t.grad_median_ms / t.forward_median_ms, cpu: t.grad_cpu_median_ms / t.forward_cpu_median_ms, detail: `${fmtMs(t.grad_median_ms)} / ${fmtMs(t.forward_median_ms)}` });
    } else {
      log(`  PyTorch comparison skipped: torch is not importable (${torch.reason}). To enable: apt-get install python3-torch`);
      notes.push('PyTorch comparison skipped: torch not importable; enable with `apt-get install python3-torch`.');
    }
  } else if (!withTorch && !foldersOnly) {
    notes.push(`PyTorch comparison skipped (${withVgg16 ? '--no-torch' : 'it needs the VGG-16 section'}).`);
  }

  if (foldersOnly) {
    await folders();
    summary(startTensors, t0, undefined);
    return;
  }
  if (!styleOnly) await smallNetworks();

  // 5. The synthesis loop's overhead on the bundled InceptionV3; 6. fast style transfer against a Gatys iteration.
  if (!argv.has('--no-synthesis')) {
    log(`\n[5] InceptionV3 synthesis steps, wasm${styleOnly ? ' (--style-only: the Gatys iteration alone)' : ''}`);
    await tf.setBackend('wasm');
    const incep = await loadModel(path.join(__dirname, '..', '..', 'models', 'inceptionv3', 'model.json'));
    try {
      const deps = { timedTogether, ratio, note: (n: string) => notes.push(n), log, report };
      const synthesisRuns = quick ? 2 : 3;
      const gatys = styleOnly ? await benchGatys(incep, deps, synthesisRuns) : await benchSynthesis(incep, deps, synthesisRuns);
      if (!quick) await benchStyleOptimizers(incep, log, deps.note); // Gatys: Adam vs L-BFGS, 60 evaluations each
      if (withStyle) {
        log('\n[6] fast style transfer: style-apply (transform net forward), style-train step; PyTorch Gatys iteration');
        await benchStyle(incep, gatys, deps, quick ? 3 : 5);
      } else {
        notes.push('Fast style transfer skipped (--no-style).');
      }
    } finally {
      incep.dispose();
    }
  }
  if (withFolders) await folders();
  if (!argv.has('--no-threads') && !styleOnly) threads();
  summary(startTensors, t0, torch);
}

/** Section 8: the threaded wasm build against one thread, in child processes taken in turn (bench/wasmThreads.ts). */
function threads(): void {
  log('\n[8] wasm: one thread vs the threaded build with 2 threads (CONVSCOPE_WASM_THREADS), child processes in turn');
  const out = spawnSync(process.execPath, [path.join(__dirname, 'wasmThreads.js'), '--rounds', quick ? '1' : '2'], { encoding: 'utf8' });
  for (const line of (out.stdout ?? '').trimEnd().split('\n')) log(`  ${line}`);
  if (out.status !== 0) notes.push(`threads section failed: ${(out.stderr ?? '').trim().split('\n').pop()}`);
}

/** Section 7: folder features (batching gain, cache) and 2-D maps against PCA. */
async function folders(): Promise<void> {
  log('\n[7] folder methods: features of 1,000 digits (mnist-cnn fc1), batched vs one at a time, cached vs not; t-SNE and UMAP ÷ PCA');
  await tf.setBackend('wasm');
  await benchFolders(path.join(__dirname, '..', '..'), { timedTogether, ratio, note: (n) => notes.push(n), log }, quick ? 2 : 3, quick ? [1000] : [1000, 5000]);
}

/** Sections 2–4: VGG-ish networks at 64² and 128². */
async function smallNetworks(): Promise<void> {
  // 2. VGG-ish 64²: wasm vs cpu; 3. occlusion on the same net.
  log('\n[2] VGG-ish 64×64×3, batch 1: wasm vs cpu backend');
  const small = vggishSpec(64);
  const xs = seededInput(64);
  {
    await tf.setBackend('wasm');
    const { model, cleanup } = await load(small);
    let cpuModel: { model: LoadedModel; cleanup: () => void } | undefined;
    try {
      const target = resolveTarget(model, xs);
      const [wFwd, wGrad] = await timedTogether('VGG-ish 64² wasm', [
        { label: 'wasm forward', fn: () => readBack(() => model.forward(xs).logits) },
        { label: 'wasm input gradient', fn: () => readBack(() => inputGradient(model, xs, target)) },
      ], runs.small);
      const wasmG = gradValues(model, xs, target);

      await tf.setBackend('cpu');
      cpuModel = await load(small);
      const cm = cpuModel.model;
      const [cFwd, cGrad] = await timedTogether('VGG-ish 64² cpu', [
        { label: 'cpu forward', fn: () => readBack(() => cm.forward(xs).logits) },
        { label: 'cpu input gradient', fn: () => readBack(() => inputGradient(cm, xs, target)) },
      ], runs.slow);
      const cpuG = gradValues(cm, xs, target);
      notes.push(`VGG-ish 64² input gradient, wasm vs cpu backend: rel. L2 difference ${relL2(wasmG, cpuG).toExponential(1)}.`);
      ratio('VGG-ish 64² forward: cpu ÷ wasm', cFwd!, wFwd!);
      ratio('VGG-ish 64² input gradient: cpu ÷ wasm', cGrad!, wGrad!);
      ratio('VGG-ish 64² wasm: input gradient ÷ forward', wGrad!, wFwd!, '', '≤ 2.5');

      log('\n[3] occlusion on VGG-ish 64², window 8, stride 4, wasm');
      await tf.setBackend('wasm');
      const ac = new AbortController();
      const occTarget = { kind: 'class' as const, index: target.kind === 'class' ? target.index : 0 };
      let details: Record<string, unknown> = {};
      const [fwd, occ] = await timedTogether('VGG-ish 64² wasm', [
        { label: 'wasm forward (again, next to occlusion)', fn: () => readBack(() => model.forward(xs).logits) },
        { label: 'occlusion (window 8, stride 4)', fn: async () => {
          details = (await occlusion(model, xs, { window: 8, stride: 4, target: occTarget }, noProgress, ac.signal)).details;
        } },
      ], runs.slow);
      const passes = Number(details.forwardPasses);
      log(`  details: windows ${details.windows}, batch size ${details.batchSize}, forward passes ${passes} (${Math.ceil(Number(details.windows) / Number(details.batchSize))} batch(es) + 1 unoccluded)`);
      ratio('VGG-ish 64² occlusion ÷ one forward', occ!, fwd!, `; ${details.windows} windows, batch ${details.batchSize}`);
      ratios.push({ name: 'VGG-ish 64² occlusion per pass ÷ one batch-1 forward', value: occ!.median / passes / fwd!.median, cpu: occ!.cpuMedian / passes / fwd!.cpuMedian, detail: `${fmtMs(occ!.median / passes)} per pass (${passes} passes) / ${fmtMs(fwd!.median)}` });
    } finally {
      await tf.setBackend('wasm');
      model.dispose();
      cleanup();
      cpuModel?.model.dispose();
      cpuModel?.cleanup();
    }
  }
  xs.dispose();

  // 4. Our Conv2DBackpropInput vs the stock wasm kernel; weight gradients (Conv2DBackpropFilter).
  log('\n[4] VGG-ish 128×128×3, batch 1, wasm: our vs stock Conv2DBackpropInput; conv weight gradients');
  const mid = vggishSpec(128);
  const xm = seededInput(128);
  {
    await tf.setBackend('wasm');
    const { model, cleanup } = await load(mid);
    try {
      const target = resolveTarget(model, xm);
      const forward = () => readBack(() => model.forward(xm).logits);
      const grad = () => readBack(() => inputGradient(model, xm, target));
      const [fwd, ours, stock] = await timedTogether('VGG-ish 128² wasm', [
        { label: 'forward', fn: forward },
        { label: 'input gradient, our Conv2DBackpropInput', fn: grad },
        { label: 'input gradient, STOCK Conv2DBackpropInput', fn: withStockKernel(grad) },
      ], runs.big);
      const oursG = gradValues(model, xm, target);
      useStockConv2DBackpropInput(true);
      let stockG: Float32Array;
      try {
        stockG = gradValues(model, xm, target);
      } finally {
        useStockConv2DBackpropInput(false);
      }
      notes.push(`VGG-ish 128² input gradient, our vs stock Conv2DBackpropInput: rel. L2 difference ${relL2(oursG, stockG).toExponential(1)}.`);
      await breakdown('forward', forward);
      await breakdown('input gradient', grad);
      const convNames = model.layers.filter((l) => l.isConv).map((l) => l.name);
      // model.kernel returns the layer's tf.Variable (LayerVariable.read()).
      const kernels = convNames.map((n) => model.kernel(n) as unknown as tf.Variable);
      const wg = await timed('VGG-ish 128² wasm', `weight gradients (${kernels.length} conv kernels, variableGrads)`, () => {
        const { value, grads } = tf.variableGrads(() => tf.sum(objective(model, xm, target)) as tf.Scalar, kernels);
        readBack(() => tf.stack(Object.values(grads).map((g) => tf.sum(g))));
        tf.dispose([value, ...Object.values(grads)]);
      }, runs.slow);
      ratio('VGG-ish 128² input gradient: stock ÷ our kernel', stock!, ours!);
      ratio('VGG-ish 128² wasm: input gradient ÷ forward', ours!, fwd!, '', '≤ 2.5');
      ratio('VGG-ish 128² conv weight gradients ÷ forward', wg, fwd!);
    } finally {
      model.dispose();
      cleanup();
    }
  }
  xm.dispose();
}

function summary(startTensors: number, t0: number, torch: TorchOutcome | undefined): void {
  // Summary.
  log('\n=== timings (wall-clock medians after 1 warm-up; cpu = median process CPU time) ===');
  log(table(['network / backend', 'measurement', 'median', 'min', 'max', 'cpu', 'n'], rows.map((r) => [r.section, r.stat.label, fmtMs(r.stat.median), fmtMs(r.stat.min), fmtMs(r.stat.max), fmtMs(r.stat.cpuMedian), String(r.stat.runs)])));
  if (torch?.ok) {
    const t = torch.result;
    log(`PyTorch ${t.torch} VGG-16 224² (2 threads): forward ${fmtMs(t.forward_median_ms)} (cpu ${fmtMs(t.forward_cpu_median_ms)}), input gradient ${fmtMs(t.grad_median_ms)} (cpu ${fmtMs(t.grad_cpu_median_ms)}), n=${t.forward_ms.length}`);
  }
  log('\n=== ratios (of medians; cpu-time ratio alongside, less sensitive to other load) ===');
  const w = Math.max(...ratios.map((r) => r.name.length));
  log(`${''.padEnd(w)}     wall  cpu-time`);
  for (const r of ratios) log(`${r.name.padEnd(w)}  ${fmtRatio(r.value).padStart(7)}  ${(r.cpu === undefined ? '' : fmtRatio(r.cpu)).padStart(7)}  (${r.detail})${r.target ? `  target ${r.target}` : ''}`);
  for (const n of notes) log(`note: ${n}`);
  const endTensors = tf.memory().numTensors;
  log(`\ntf.memory().numTensors at end: ${endTensors} (start ${startTensors})${endTensors === startTensors ? '' : '  <-- LEAK'}`);
  log(`total bench time ${fmtMs(performance.now() - t0)}, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, load avg now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
