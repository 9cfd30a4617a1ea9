// Trains a shipped fast style network: models/style-<name>/ from a style image in samples/styles/
// and the bundled photos in samples/photos/ (random crops, mirrored: see contentImages.ts), through
// the bundled InceptionV3, within a wall-clock budget on one wasm core. Writes the network (the
// engine's style-train checkpoint, minus the optimizer moments, which only resuming needs) and a
// TRAINING.md with this run's numbers and a preview of each bundled photo.
//
//   npm run build && npm run models && node dist/scripts/trainStyle.js --style samples/styles/scream.jpg --name scream \
//       [--steps N] [--minutes M] [--size S] [--batch B] [--style-weight W] [--tv-weight T] [--learning-rate R]
//
// Stops at --steps or after --minutes (then it keeps the last step), whichever comes first.
import { execSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startWasm } from './lib/backend';
import { loadModel } from '../src/engine/model/loadModel';
import { decodeImageFile } from '../src/engine/image/decodeImage';
import { encodePng } from '../src/engine/image/encodePng';
import { trainStyleNetwork, type StyleTrainOptions } from '../src/engine/synthesis/fastStyle/training';
import { loadStyleNetwork } from '../src/engine/synthesis/fastStyle/styleNetwork';
import { applyStyleNetwork } from '../src/engine/synthesis/fastStyle/applyStyle';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const num = (name: string) => (flag(name) === undefined ? undefined : Number(flag(name)));
const repoRoot = path.resolve(__dirname, '..', '..');
const style = flag('style');
const name = flag('name');
if (!style || !name) throw new Error('usage: trainStyle --style samples/styles/X.jpg --name X [--steps N] [--minutes M] …');
const minutes = num('minutes') ?? 55;
const outDir = path.join(repoRoot, 'models', `style-${name}`);
const photos = path.join(repoRoot, 'samples', 'photos');

async function main(): Promise<void> {
  const backend = await startWasm();
  const featureNet = await loadModel(path.join(repoRoot, 'models', 'inceptionv3', 'model.json'));
  const work = path.join(mkdtempSync(path.join(tmpdir(), `convscope-style-${name}-`)), 'net');
  const options: StyleTrainOptions = {
    style: path.resolve(style!),
    contentDir: photos,
    outModel: work,
    steps: num('steps') ?? 100_000,
    size: num('size'),
    batch: num('batch'),
    styleWeight: num('style-weight'),
    tvWeight: num('tv-weight'),
    learningRate: num('learning-rate'),
    checkpointEvery: 100,
  };
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), minutes * 60_000);
  const started = performance.now();
  const loads: number[] = [];
  const result = await trainStyleNetwork(featureNet, Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as StyleTrainOptions, {
    progress: () => {},
    signal: new AbortController().signal,
    stop: stop.signal,
    onStep: (p) => {
      if (p.step % 50 === 0) {
        loads.push(loadavg()[0]!);
        console.log(`[style-${name}] step ${p.step}: total ${p.total.toPrecision(4)} content ${p.content.toPrecision(3)} style ${p.style.toPrecision(3)} tv ${p.tv.toPrecision(3)} (${p.seconds.toFixed(0)} s)`);
      }
    },
  });
  clearTimeout(timer);
  const wall = (performance.now() - started) / 1000;
  featureNet.dispose();
  rmSync(path.join(work, 'adam-moments.bin'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.dirname(outDir), { recursive: true });
  try {
    renameSync(work, outDir);
  } catch {
    cpSync(work, outDir, { recursive: true });
  }
  // Previews of every bundled photo at 256 px (committed beside the network for the gallery).
  const net = await loadStyleNetwork(path.join(outDir, 'model.json'));
  const previews: string[] = [];
  for (const file of readdirSync(photos).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()) {
    const r = await applyStyleNetwork(net, decodeImageFile(path.join(photos, file)), 256);
    const preview = `preview-${path.parse(file).name}.png`;
    writeFileSync(path.join(outDir, preview), encodePng(r.image));
    previews.push(`| ${file} | ![${file}](${preview}) | ${r.width}×${r.height}, ${r.milliseconds.toFixed(0)} ms |`);
  }
  net.dispose();
  const r = result.record;
  const meanLoad = loads.length ? loads.reduce((a, b) => a + b, 0) / loads.length : loadavg()[0]!;
  const readme = `# style-${name}: a fast style network for ${r.style}

Made by \`scripts/trainStyle.ts\` (${new Date().toISOString().slice(0, 10)}), with
\`node dist/scripts/trainStyle.js ${process.argv.slice(2).join(' ')}\`.

| | |
| --- | --- |
| style image | \`samples/styles/${r.style}\` (sha256 ${r.styleSha256.slice(0, 16)}…) |
| content images | ${r.contentImages.map((f) => `\`samples/photos/${f}\``).join(', ')} |
| augmentation | ${r.augmentation} |
| feature network | \`models/${r.featureNetwork}\`, content ${r.contentLayer}, style ${r.styleLayers.join(', ')}, smoothing ${r.smoothing} |
| weights | content ${r.contentWeight}, style ${r.styleWeight}, TV ${r.tvWeight}, style scale ${r.styleScale} |
| training | ${r.stepsDone} steps${result.stopped ? ` (stopped by the ${minutes}-minute budget)` : ''} × batch ${r.batch} at ${r.size}², Adam ${r.learningRate}, seed ${r.seed} |
| time | ${(wall / 60).toFixed(1)} min wall (${(r.trainingSeconds / 60).toFixed(1)} min in steps) on ${backend}, ${cpus().length} cores, mean load average ${meanLoad.toFixed(2)} |
| final losses (mean of the last 20 steps) | total ${r.finalLosses.total}, content ${r.finalLosses.content}, style ${r.finalLosses.style}, TV ${r.finalLosses.tv} |
| first step | total ${result.curve[0]?.total.toPrecision(5)}, content ${result.curve[0]?.content.toPrecision(3)}, style ${result.curve[0]?.style.toPrecision(3)} |
| network | ${r.shape.width}/${2 * r.shape.width}/${4 * r.shape.width} channels, ${r.shape.residualBlocks} residual blocks, instance normalization, reflection padding |

The loss curve is in \`training-state.json\` (\`curve\`). Apply with
\`convscope style-apply --model models/style-${name}/model.json --image photo.jpg --out styled.png\`.

| photo | stylized | size, time |
| --- | --- | --- |
${previews.join('\n')}
`;
  writeFileSync(path.join(outDir, 'TRAINING.md'), readme);
  console.log(`[style-${name}] ${r.stepsDone} steps in ${(wall / 60).toFixed(1)} min → ${path.relative(repoRoot, outDir)} (git ${execSync('git rev-parse --short HEAD', { cwd: repoRoot }).toString().trim()})`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
