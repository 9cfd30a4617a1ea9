// Gatys style transfer, Adam against L-BFGS on the same budget of forward + backward evaluations:
// the default network (InceptionV3) at 256², content samples/photos/chelsea.png, style
// samples/styles/scream.jpg, the `style` command's defaults otherwise. Prints the total loss (the
// best reached so far, the loop's total with its sign turned: content + style + TV) at a few
// checkpoints and the final ratio. BENCH_STYLE_IMAGES=<dir> saves both images there as PNG.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '../src/engine/tf';
import type { LoadedModel } from '../src/engine/model/loadedModel';
import { encodePng } from '../src/engine/image/encodePng';
import { styleMethod } from '../src/engine/synthesis/style';
import type { CurvePoint } from '../src/engine/synthesis/renderLoop';

export interface OptimizerBenchResult {
  evaluations: number;
  /** Best total loss after k evaluations, per optimizer, k = 1 … evaluations. */
  adam: number[];
  lbfgs: number[];
}

/** The lowest loss reached after each evaluation (the loop's total is a gain: loss = −total). */
function bestSoFar(curve: CurvePoint[]): number[] {
  let best = Infinity;
  return curve.map((p) => (best = Math.min(best, -p.total)));
}

export async function benchStyleOptimizers(model: LoadedModel, log: (line: string) => void, note: (line: string) => void, evaluations = 60, checkpoints = [10, 30, 60]): Promise<OptimizerBenchResult> {
  const root = path.resolve(__dirname, '..', '..');
  const content = path.join(root, 'samples/photos/chelsea.png');
  const style = path.join(root, 'samples/styles/scream.jpg');
  const signal = new AbortController().signal;
  const saveDir = process.env.BENCH_STYLE_IMAGES;
  const losses: Record<'adam' | 'lbfgs', number[]> = { adam: [], lbfgs: [] };
  const before = tf.memory().numTensors;
  for (const optimizer of ['adam', 'lbfgs'] as const) {
    const t0 = performance.now();
    const out = await styleMethod.run({ model, progress: () => {}, signal }, { content, styles: [style], size: 256, steps: evaluations, optimizer });
    const seconds = (performance.now() - t0) / 1000;
    losses[optimizer] = bestSoFar(out.curve ?? []);
    const at = checkpoints.filter((k) => k <= evaluations).map((k) => `${k}: ${losses[optimizer][k - 1]!.toFixed(4)}`);
    log(`  ${optimizer.padEnd(6)} total loss after evaluations ${at.join(', ')}  (content ${Number(out.details.contentLossEnd).toFixed(4)}, style ${Number(out.details.styleLossEnd).toFixed(4)} at the last evaluation; ${seconds.toFixed(0)} s)`);
    if (saveDir) {
      fs.mkdirSync(saveDir, { recursive: true });
      fs.writeFileSync(path.join(saveDir, `style-${optimizer}-${evaluations}.png`), encodePng(out.image));
    }
  }
  const leaked = tf.memory().numTensors - before;
  const ratio = losses.lbfgs[evaluations - 1]! / losses.adam[evaluations - 1]!;
  const adamFinal = losses.adam[evaluations - 1]!;
  const lbfgsReaches = losses.lbfgs.findIndex((l) => l <= adamFinal) + 1;
  const reach = lbfgsReaches > 0 ? `L-BFGS reaches Adam's final loss after ${lbfgsReaches} evaluations` : "L-BFGS does not reach Adam's final loss";
  note(`InceptionV3 256² style (chelsea × scream), ${evaluations} evaluations: total loss L-BFGS ÷ Adam ${ratio.toFixed(3)} (${losses.lbfgs[evaluations - 1]!.toFixed(4)} / ${adamFinal.toFixed(4)}); ${reach}${leaked ? `; ${leaked} tensors leaked` : ''}`);
  return { evaluations, ...losses };
}
