// Folder methods (issue 11): features of 1,000 held-out digits (samples/digit-folder, the bundled
// mnist-cnn's penultimate layer), batched against one image at a time (the batching gain), and a
// second run answered by the feature cache against a first run with an empty cache; then the 2-D
// maps (bench/embeddingBench.ts): t-SNE and UMAP on 1,000 and 5,000 points as ratios to PCA.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadModel } from '../src/engine/model/loadModel';
import { FeatureCache } from '../src/engine/dataset/featureCache';
import { openImageFolder } from '../src/engine/dataset/imageFolder';
import { folderFeatures, type FeatureRun } from '../src/engine/features/folderFeatures';
import { embeddingBench } from './embeddingBench';
import { fmtMs, type Stat } from './timing';

export interface FolderBenchDeps {
  timedTogether: (section: string, items: { label: string; fn: () => unknown }[], n: number) => Promise<Stat[]>;
  ratio: (name: string, a: Stat, b: Stat, extra?: string, target?: string) => void;
  note: (n: string) => void;
  log: (line: string) => void;
}

const run: FeatureRun = { progress: () => {}, signal: new AbortController().signal };

export async function benchFolders(repoRoot: string, deps: FolderBenchDeps, runs: number, embeddingSizes: number[]): Promise<void> {
  const model = await loadModel(path.join(repoRoot, 'models', 'mnist-cnn', 'model.json'));
  const folder = path.join(repoRoot, 'samples', 'digit-folder');
  // Each run lists the folder and stats its files, as a command does: the cached run's cost is that.
  const open = () => openImageFolder(folder, { limit: 1000, seed: 0 });
  const source = open();
  const n = source.images.length;
  const scratch = mkdtempSync(path.join(tmpdir(), 'convscope-bench-cache-'));
  try {
    let batch = 0;
    // A fresh folder per cold run: the first run always fills an empty cache.
    let cold = 0;
    const warm = new FeatureCache(path.join(scratch, 'warm'));
    await folderFeatures(model, source, { layer: 'fc1', pool: 'avg' }, warm, run);
    const [batched, single, first, second] = await deps.timedTogether('mnist-cnn fc1, 1,000 digits', [
      { label: 'features, batched (no cache)', fn: async () => (batch = (await folderFeatures(model, open(), { layer: 'fc1', pool: 'avg' }, new FeatureCache(undefined), run)).largestBatch) },
      { label: 'features, one image at a time (no cache)', fn: () => folderFeatures(model, open(), { layer: 'fc1', pool: 'avg', memoryBudgetBytes: 1 }, new FeatureCache(undefined), run) },
      { label: 'features, first run (empty cache)', fn: () => folderFeatures(model, open(), { layer: 'fc1', pool: 'avg' }, new FeatureCache(path.join(scratch, `cold-${cold++}`)), run) },
      { label: 'features, second run (all cached)', fn: () => folderFeatures(model, open(), { layer: 'fc1', pool: 'avg' }, warm, run) },
    ], runs);
    deps.log(`  batched: ${(n / (batched!.median / 1000)).toFixed(0)} images/s (largest batch ${batch}); one at a time: ${(n / (single!.median / 1000)).toFixed(0)} images/s`);
    deps.ratio('features of 1,000 digits: one at a time ÷ batched (batching gain)', single!, batched!);
    deps.ratio('features of 1,000 digits: cached second run ÷ first run', second!, first!);
    deps.note(`Folder features time decoding the PNGs too (${n} files of 28×28); every run lists the folder and stats its files, which is what the cached run costs (${fmtMs(second!.median)}).`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    model.dispose();
  }
  deps.log('\n  2-D maps of 64-D clustered points (10 clusters):');
  const rows = await embeddingBench((line) => deps.log(`  ${line}`), embeddingSizes);
  for (const r of rows.filter((x) => x.method !== 'pca')) {
    const pca = rows.find((p) => p.points === r.points && p.method === 'pca')!;
    deps.ratio(`${r.method === 'tsne' ? 't-SNE' : 'UMAP'} of ${r.points.toLocaleString('en')} points ÷ PCA`, r.stat, pca.stat, `; 5-NN accuracy ${r.accuracy.toFixed(3)} vs PCA ${pca.accuracy.toFixed(3)}`);
  }
}
