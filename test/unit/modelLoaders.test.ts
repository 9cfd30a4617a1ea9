// Model formats sit behind one interface (model/loaders): each loader sniffs a file by its content
// and loads it with its capabilities; the sidecar file is named in one place for any model file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import { loaderFor, modelLoaders } from '../../src/engine/model/loaders';
import type { ModelLoader } from '../../src/engine/model/loaders/types';
import { openModelSource } from '../../src/engine/model/modelSource';
import { sidecarPath } from '../../src/engine/model/preprocessing';
import { writeTinyGraphModel } from '../fixtures/tinyGraphModel';
import { useWasm } from './support/backend';
import { referenceFile } from './support/reference';

beforeAll(useWasm);

const tmp = () => mkdtempSync(path.join(tmpdir(), 'convscope-loaders-'));

describe('sniffing by content', () => {
  it('a layers model, a graph model and a binary file go to the right loader, whatever their names', async () => {
    const dir = tmp();
    const graph = writeTinyGraphModel(dir).file;
    expect(loaderFor(openModelSource(referenceFile('model_a/model/model.json'))).format).toBe('layers');
    expect(loaderFor(openModelSource(graph)).format).toBe('graph');
    const binary = path.join(dir, 'weights.bin');
    writeFileSync(binary, Buffer.from([0x08, 0x07, 0x12, 0x00, 0x01]));
    expect(() => loaderFor(openModelSource(binary))).toThrow(/weights\.bin: not a model ConvScope can read/);
  });

  it('a new format is one loader: put first in the list, it gets the files it sniffs', () => {
    const dir = tmp();
    const file = path.join(dir, 'net.fake');
    writeFileSync(file, Buffer.concat([Buffer.from('FAKE'), Buffer.alloc(8)]));
    const fake: ModelLoader = { format: 'layers', sniff: (s) => s.head.subarray(0, 4).toString() === 'FAKE', load: () => Promise.reject(new Error('not used')) };
    expect(loaderFor(openModelSource(file), [fake, ...modelLoaders])).toBe(fake);
    expect(loaderFor(openModelSource(referenceFile('model_a/model/model.json')), [fake, ...modelLoaders]).format).toBe('layers');
  });
});

describe('capabilities instead of a format branch', () => {
  it('layers models have layer outputs, ReLU rules and kernels; graph models layer outputs only', async () => {
    const layers = await loadModel(referenceFile('model_a/model/model.json'));
    const graph = await loadModel(writeTinyGraphModel(tmp()).file);
    try {
      expect([...layers.capabilities].sort()).toEqual(['kernels', 'layer-outputs', 'relu-rules']);
      expect([...graph.capabilities]).toEqual(['layer-outputs']);
      expect(() => graph.kernel('anything')).toThrow(/graph model has no layer names/);
    } finally {
      layers.dispose();
      graph.dispose();
    }
    expect(tf.memory().numTensors).toBe(0);
  });
});

it('the sidecar of any model file is its name without the extension, plus .convscope.json', () => {
  expect(sidecarPath('/m/model.json')).toBe('/m/model.convscope.json');
  expect(sidecarPath('/m/resnet.onnx')).toBe('/m/resnet.convscope.json');
  expect(sidecarPath('/m/net.v2.keras')).toBe('/m/net.v2.convscope.json');
  expect(sidecarPath('/m/.hidden')).toBe('/m/.hidden.convscope.json');
  expect(sidecarPath('/m/weights')).toBe('/m/weights.convscope.json');
});
