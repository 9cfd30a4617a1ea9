import { expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel } from '../../src/engine/model/loadModel';
import { nextField, inputField, samePadBefore } from '../../src/engine/model/receptiveField';
import { referenceFile } from './support/reference';
import { saveToTempDir } from './support/tinyModels';
import { useWasm } from './support/backend';

it('model_a: conv 3×3 → 3, pool 2/2 → 4 stride 2, conv → 8, pool → 10 stride 4, gap → global', async () => {
  await useWasm();
  const model = await loadModel(referenceFile('model_a/model/model.json'));
  const rf = Object.fromEntries(model.layers.map((l) => [l.name, l.receptiveField]));
  expect(rf.conv1).toMatchObject({ size: [3, 3], stride: [1, 1], start: [0, 0] });
  expect(rf.relu1).toMatchObject({ size: [3, 3], stride: [1, 1] });
  expect(rf.pool1).toMatchObject({ size: [4, 4], stride: [2, 2], start: [0.5, 0.5] });
  expect(rf.conv2).toMatchObject({ size: [8, 8], stride: [2, 2], start: [0.5, 0.5] });
  expect(rf.pool2).toMatchObject({ size: [10, 10], stride: [4, 4], start: [1.5, 1.5] });
  expect(rf.gap!.global).toBe(true);
  model.dispose();
});

it('strided, dilated and valid convolutions by hand', async () => {
  await useWasm();
  const net = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [16, 16, 1], filters: 2, kernelSize: 3, strides: 2, padding: 'same', name: 's2' }),
      tfl.layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'valid', name: 'dil' }),
      tfl.layers.conv2d({ filters: 2, kernelSize: [1, 3], padding: 'valid', name: 'wide' }),
    ],
  });
  const model = await loadModel(await saveToTempDir(net));
  const rf = Object.fromEntries(model.layers.map((l) => [l.name, l.receptiveField!]));
  // s2: TF 'same' on 16 px with k=3, s=2 pads 0 before, 1 after: first unit centred on pixel 1.
  expect(rf.s2).toMatchObject({ size: [3, 3], stride: [2, 2], start: [1, 1] });
  // dil: effective kernel 5, jump 2 → size 3 + 4·2 = 11, start 1 + 2·2 = 5.
  expect(rf.dil).toMatchObject({ size: [11, 11], stride: [2, 2], start: [5, 5] });
  // wide: 1×3 kernel grows columns only.
  expect(rf.wide).toMatchObject({ size: [11, 15], stride: [2, 2], start: [5, 7] });
  model.dispose();
});

it('TF same padding is asymmetric, and branches take the widest field', () => {
  expect(samePadBefore(16, 3, 2)).toBe(0);
  expect(samePadBefore(15, 3, 2)).toBe(1);
  expect(samePadBefore(16, 3, 1)).toBe(1);
  const wide = nextField([inputField], { kind: 'window', kernel: [5, 5], strides: [1, 1], padding: 'valid' }, [32, 32]);
  const merged = nextField([inputField, wide], { kind: 'pass' }, [32, 32]);
  expect(merged.size).toEqual([5, 5]);
});
