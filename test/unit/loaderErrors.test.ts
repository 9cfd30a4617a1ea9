import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '../../src/engine/tf';
import { UserError } from '../../src/engine/errors';
import { loadModel } from '../../src/engine/model/loadModel';
import { maxAbs, referenceFile } from './support/reference';
import { useWasm } from './support/backend';

// Every bad model input gives one UserError, on one line, naming the file at fault and the
// problem; failed loads leave no tensor behind and do not break the next load.

const SHARD = 'group1-shard1of1.bin';
let tmp: string;
let sourceJson: string;
let sourceBin: Buffer;
let caseCount = 0;
let tensorsAtStart: number;

beforeAll(async () => {
  await useWasm();
  tmp = mkdtempSync(path.join(tmpdir(), 'convscope-loader-'));
  sourceJson = readFileSync(referenceFile('model_a/model/model.json'), 'utf8');
  sourceBin = readFileSync(referenceFile('model_a/model', SHARD));
  tensorsAtStart = tf.memory().numTensors;
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A fresh copy of model_a in its own folder, optionally mutated; returns the model.json path. */
function copyModel(mutate?: (json: Json, dir: string) => void): string {
  const dir = path.join(tmp, `case${++caseCount}`, 'model');
  mkdirSync(dir, { recursive: true });
  const json = JSON.parse(sourceJson) as Json;
  writeFileSync(path.join(dir, SHARD), sourceBin);
  mutate?.(json, dir);
  const file = path.join(dir, 'model.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

function layer(json: Json, name: string): Json {
  return json.modelTopology.config.layers.find((l: Json) => l.config.name === name);
}

/** Loads, expects a single-line UserError, and returns its message. */
async function loadError(file: string): Promise<string> {
  const e = await loadModel(file).then(
    (m) => {
      m.dispose();
      return undefined;
    },
    (err: unknown) => err,
  );
  expect(e, `loading ${file} should fail`).toBeInstanceOf(UserError);
  const message = (e as Error).message;
  expect(message).not.toContain('\n');
  expect(message.length).toBeLessThan(400);
  return message;
}

describe('loadModel refuses bad model files with one clear error', () => {
  it('model.json missing', async () => {
    const file = path.join(tmp, 'nowhere', 'model.json');
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/model file not found/);
  });

  it('a folder given instead of model.json', async () => {
    const dir = path.dirname(copyModel());
    const m = await loadError(dir);
    expect(m).toContain(dir);
    expect(m).toMatch(/is a folder; give the path of its model\.json/);
  });

  it('not JSON', async () => {
    const file = copyModel();
    writeFileSync(file, '{"modelTopology": {"class_name": "Sequential", ');
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/not valid JSON/);
  });

  it('an empty file', async () => {
    const file = copyModel();
    writeFileSync(file, '');
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/not valid JSON/);
  });

  it.each([
    ['an object without modelTopology', { hello: 'world' }],
    ['null', null],
    ['an array', [1, 2, 3]],
    ['a number', 42],
  ])('JSON but not a TF.js model: %s', async (_name, content) => {
    const file = copyModel();
    writeFileSync(file, JSON.stringify(content));
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/not a TensorFlow\.js model/);
  });

  it('weightsManifest that is not an array', async () => {
    const file = copyModel((json) => {
      json.weightsManifest = { paths: [SHARD] };
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/"weightsManifest" must be an array/);
  });

  it('weight path escaping the folder (../x.bin), even when that file exists', async () => {
    const file = copyModel((json, dir) => {
      writeFileSync(path.join(dir, '..', 'x.bin'), sourceBin);
      json.weightsManifest[0].paths = ['../x.bin'];
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/weight path '\.\.\/x\.bin' escapes the model's folder/);
  });

  it('weight path escaping through a subfolder (sub/../../x.bin) and URL-encoding (%2e%2e/x.bin)', async () => {
    for (const p of ['sub/../../x.bin', '%2e%2e/x.bin']) {
      const file = copyModel((json, dir) => {
        writeFileSync(path.join(dir, '..', 'x.bin'), sourceBin);
        json.weightsManifest[0].paths = [p];
      });
      const m = await loadError(file);
      expect(m).toContain(file);
      expect(m).toMatch(/escapes the model's folder/);
    }
  });

  it('absolute weight path', async () => {
    const outside = path.join(tmp, 'absolute.bin');
    writeFileSync(outside, sourceBin);
    const file = copyModel((json) => {
      json.weightsManifest[0].paths = [outside];
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toContain(outside);
    expect(m).toMatch(/must be a relative file name inside the model's folder/);
  });

  it('a URL as weight path', async () => {
    const file = copyModel((json) => {
      json.weightsManifest[0].paths = ['https://example.com/w.bin'];
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/must be a relative file name/);
  });

  it('a symlink inside the folder pointing outside it', async () => {
    const outside = path.join(tmp, 'outside.bin');
    writeFileSync(outside, sourceBin);
    const file = copyModel((_json, dir) => {
      unlinkSync(path.join(dir, SHARD));
      symlinkSync(outside, path.join(dir, SHARD));
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(new RegExp(`weight path '${SHARD}' links outside the model's folder`));
  });

  it('a symlink inside the folder pointing inside it is fine', async () => {
    const file = copyModel((json, dir) => {
      symlinkSync(path.join(dir, SHARD), path.join(dir, 'alias.bin'));
      json.weightsManifest[0].paths = ['alias.bin'];
    });
    const model = await loadModel(file);
    expect(model.numClasses).toBe(10);
    model.dispose();
  });

  it('missing shard', async () => {
    const file = copyModel((_json, dir) => unlinkSync(path.join(dir, SHARD)));
    const m = await loadError(file);
    expect(m).toContain(path.join(path.dirname(file), SHARD));
    expect(m).toMatch(/weight file not found/);
    expect(m).toContain(`listed in ${file}`);
  });

  it('short (truncated) shard', async () => {
    const file = copyModel((_json, dir) => writeFileSync(path.join(dir, SHARD), sourceBin.subarray(0, sourceBin.length - 100)));
    const m = await loadError(file);
    expect(m).toContain(path.join(path.dirname(file), SHARD));
    expect(m).toMatch(/too short \(\d+ bytes, the manifest needs \d+\).*truncated/);
  });

  it('an empty shard', async () => {
    const file = copyModel((_json, dir) => writeFileSync(path.join(dir, SHARD), Buffer.alloc(0)));
    const m = await loadError(file);
    expect(m).toContain(SHARD);
    expect(m).toMatch(/too short \(0 bytes/);
  });

  it('a weight dtype TF.js does not know', async () => {
    const file = copyModel((json) => {
      json.weightsManifest[0].weights[0].dtype = 'float128';
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/weight 'conv1\/kernel' has unsupported dtype 'float128'/);
  });

  it('a weight shape in the manifest that mismatches the layer (bytes match the manifest)', async () => {
    // conv1/kernel declared [3,3,3,4] (108 floats instead of 216), shard rewritten to match.
    const file = copyModel((json, dir) => {
      json.weightsManifest[0].weights[0].shape = [3, 3, 3, 4];
      const kernelBytes = 3 * 3 * 3 * 8 * 4;
      writeFileSync(path.join(dir, SHARD), Buffer.concat([sourceBin.subarray(0, kernelBytes / 2), sourceBin.subarray(kernelBytes)]));
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/weights do not match the model's layers: weight 'conv1\/kernel' has shape \[3,3,3,4\] in the weights manifest, but its layer expects \[3,3,3,8\]/);
  });

  it('a weight missing from the manifest', async () => {
    const file = copyModel((json, dir) => {
      json.weightsManifest[0].weights.pop(); // logits/bias
      writeFileSync(path.join(dir, SHARD), sourceBin.subarray(0, sourceBin.length - 40));
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/logits\/bias/);
  });

  it('unknown layer type', async () => {
    const file = copyModel((json) => {
      layer(json, 'gap').class_name = 'Frobnicate2D';
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/unknown layer type 'Frobnicate2D'/);
  });

  it('an unknown activation', async () => {
    const file = copyModel((json) => {
      layer(json, 'relu1').config.activation = 'frobnicate';
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/unknown activation 'frobnicate'/);
  });

  it('a topology that is neither a layers nor a graph model', async () => {
    const file = copyModel((json) => {
      json.modelTopology = { hello: 'world' };
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/"modelTopology" is neither a layers model .* nor a graph model/);
  });

  it('a layers topology TF.js cannot read keeps the message short', async () => {
    // Without "config", tfjs quotes the whole (here large) topology in its message.
    const file = copyModel((json) => {
      json.modelTopology = { class_name: 'Sequential', layers: json.modelTopology.config.layers };
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/cannot load the model: .*Improper config format/);
  });

  describe('invalid sidecar model.convscope.json', () => {
    const sidecar = (file: string, content: string) => {
      const side = path.join(path.dirname(file), 'model.convscope.json');
      writeFileSync(side, content);
      return side;
    };

    it('bad JSON', async () => {
      const file = copyModel();
      const side = sidecar(file, '{"preprocessing": {"std": [1, 2, 3]');
      const m = await loadError(file);
      expect(m).toContain(side);
      expect(m).toMatch(/not valid JSON/);
    });

    it('std containing 0', async () => {
      const file = copyModel();
      const side = sidecar(file, JSON.stringify({ preprocessing: { std: [0.2, 0, 0.2] } }));
      const m = await loadError(file);
      expect(m).toContain(side);
      expect(m).toMatch(/"preprocessing\.std" must not contain 0/);
    });

    it('mean with the wrong number of channels', async () => {
      const file = copyModel();
      const side = sidecar(file, JSON.stringify({ preprocessing: { mean: [0.5, 0.5] } }));
      const m = await loadError(file);
      expect(m).toContain(side);
      expect(m).toMatch(/mean has 2 values but the model's input has 3 channel/);
    });

    it('std with the wrong number of channels, and non-numbers', async () => {
      const file = copyModel();
      const side = sidecar(file, JSON.stringify({ preprocessing: { std: [1, 1, 1, 1] } }));
      expect(await loadError(file)).toMatch(/std has 4 values but the model's input has 3 channel/);
      sidecar(file, JSON.stringify({ preprocessing: { mean: ['a', 1, 2] } }));
      const m = await loadError(file);
      expect(m).toContain(side);
      expect(m).toMatch(/"preprocessing\.mean" must be an array of numbers/);
    });

    it('not an object, bad inputRange, bad channelOrder, bad labels', async () => {
      const file = copyModel();
      for (const [content, pattern] of [
        ['[1, 2]', /expected a JSON object/],
        [JSON.stringify({ preprocessing: { inputRange: [0] } }), /"preprocessing\.inputRange" must have 2 numbers/],
        [JSON.stringify({ preprocessing: { channelOrder: 'gbr' } }), /"preprocessing\.channelOrder" must be "rgb" or "bgr"/],
        [JSON.stringify({ labels: 'cat,dog' }), /"labels" must be an array of strings/],
      ] as const) {
        const side = sidecar(file, content);
        const m = await loadError(file);
        expect(m).toContain(side);
        expect(m).toMatch(pattern);
      }
    });
  });

  it('input that is not an image shape ([null, 16] into a Dense layer)', async () => {
    const file = copyModel((json, dir) => {
      const dense = layer(json, 'logits');
      dense.config.batch_input_shape = [null, 16];
      json.modelTopology.config.layers = [dense];
      json.weightsManifest[0].weights = json.weightsManifest[0].weights.filter((w: Json) => w.name.startsWith('logits/'));
      writeFileSync(path.join(dir, SHARD), sourceBin.subarray(sourceBin.length - (16 * 10 + 10) * 4));
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/input shape \[null, 16\] is not an image/);
  });

  it('input with 4 channels is not an image either', async () => {
    const file = copyModel((json, dir) => {
      layer(json, 'conv1').config.batch_input_shape = [null, 32, 32, 4];
      json.weightsManifest[0].weights[0].shape = [3, 3, 4, 8];
      const kernelBytes = 3 * 3 * 3 * 8 * 4;
      writeFileSync(path.join(dir, SHARD), Buffer.concat([sourceBin.subarray(0, kernelBytes), Buffer.alloc(3 * 3 * 8 * 4), sourceBin.subarray(kernelBytes)]));
    });
    const m = await loadError(file);
    expect(m).toContain(file);
    expect(m).toMatch(/input shape \[null, 32, 32, 4\] is not an image/);
  });
});

describe('after all those failures', () => {
  it('no tensor was left behind by any failed load', () => {
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
  });

  it('a good copy of the model loads and predicts exactly like the original', async () => {
    const before = tf.memory().numTensors;
    const copy = await loadModel(copyModel());
    const original = await loadModel(referenceFile('model_a/model/model.json'));
    expect(copy.kind).toBe('layers');
    expect(copy.inputShape).toEqual({ height: 32, width: 32, channels: 3 });
    expect(copy.numClasses).toBe(10);
    expect(copy.layers.map((l) => l.name)).toEqual(['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'gap', 'logits']);
    const x = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const [a, b] = tf.tidy(() => [copy.forward(x).logits, original.forward(x).logits]);
    expect(maxAbs(a.dataSync(), b.dataSync())).toBe(0);
    tf.dispose([x, a, b]);
    copy.dispose();
    original.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a valid sidecar is honoured', async () => {
    const file = copyModel();
    const labels = Array.from({ length: 10 }, (_, i) => `class ${i}`);
    writeFileSync(path.join(path.dirname(file), 'model.convscope.json'), JSON.stringify({ preprocessing: { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] }, labels }));
    const model = await loadModel(file);
    expect(model.config.preprocessing.mean).toEqual([0.5, 0.5, 0.5]);
    expect(model.config.labels).toEqual(labels);
    model.dispose();
  });

  it('labels that do not match the number of outputs', async () => {
    const file = copyModel();
    writeFileSync(path.join(path.dirname(file), 'model.convscope.json'), JSON.stringify({ labels: ['a', 'b'] }));
    await expect(loadModel(file)).rejects.toThrow(/model\.convscope\.json or --labels: 2 labels for a model with 10 outputs/);
  });

  it('repeated failed loads do not grow the tensor count', async () => {
    const bad = [
      copyModel((json) => {
        layer(json, 'gap').class_name = 'Frobnicate2D';
      }),
      copyModel((json, dir) => {
        json.weightsManifest[0].weights[0].shape = [3, 3, 3, 4];
        writeFileSync(path.join(dir, SHARD), Buffer.concat([sourceBin.subarray(0, 432), sourceBin.subarray(864)]));
      }),
    ];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) for (const file of bad) await loadError(file);
    expect(tf.memory().numTensors).toBe(before);
  });
});

