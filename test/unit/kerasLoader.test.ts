// Keras models (issue 12): Keras 2 .h5 and Keras 3 .keras files load as TF.js layers models.
// Fixtures and reference values come from scripts/fixtures/keras/make_keras_fixtures.py (h5py
// writes Keras's layouts; its own numpy forward pass gives the references), committed; no Python
// runs here. Each .keras file holds its .h5 twin's weights, so one reference serves both;
// functional.* has a BatchNormalization without gamma (scale: false); nested.* a Sequential model
// used as one layer of a functional one (inlined at load time, so its layers are addressable).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import { inputGradient } from '../../src/engine/methods/inputGradient';
import { guidedRule } from '../../src/engine/methods/guidedBackprop';
import { withHdf5 } from '../../src/engine/model/keras/hdf5';
import { openZip } from '../../src/engine/model/keras/zip';
import { useWasm } from './support/backend';
import { relL2, type RefArray } from './support/reference';

beforeAll(useWasm);

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/keras');
const TOL = 1e-5;

interface Reference {
  input: RefArray;
  logits: RefArray;
  activation: RefArray & { layer: string };
  target: number;
}
const reference = (name: string): Reference => JSON.parse(readFileSync(path.join(fixtures, `${name}.reference.json`), 'utf8'));
const tensorOf = (r: RefArray) => tf.tensor4d(r.data, r.shape as [number, number, number, number]);
const tmp = () => mkdtempSync(path.join(tmpdir(), 'convscope-keras-'));

describe.each([
  ['sequential.h5', 'sequential'],
  ['functional.h5', 'functional'],
  ['sequential.keras', 'sequential'],
  ['functional.keras', 'functional'],
  ['nested.h5', 'nested'],
  ['nested.keras', 'nested'],
])('%s matches the numpy forward pass', (file, refName) => {
  const ref = reference(refName);
  it('logits and an activation; guided backprop runs its ReLU rule', async () => {
    const model = await loadModel(path.join(fixtures, file));
    const x = tensorOf(ref.input);
    try {
      expect(model.kind).toBe('keras');
      expect([...model.capabilities].sort()).toEqual(['kernels', 'layer-outputs', 'relu-rules']);
      expect(model.inputShape).toEqual({ height: ref.input.shape[1], width: ref.input.shape[2], channels: 3 });
      expect(model.numClasses).toBe(ref.logits.shape[1]);
      const { logits, act } = tf.tidy(() => {
        const r = model.forward(x, { capture: [ref.activation.layer] });
        const a = r.captured.get(ref.activation.layer)!;
        return { logits: r.logits.dataSync(), act: { shape: a.shape, data: a.dataSync() } };
      });
      expect(relL2(logits, ref.logits.data)).toBeLessThan(TOL);
      expect(act.shape).toEqual(ref.activation.shape);
      expect(relL2(act.data, ref.activation.data)).toBeLessThan(TOL);
      const target = { kind: 'class' as const, index: ref.target };
      const grad = inputGradient(model, x, target);
      const guided = inputGradient(model, x, target, guidedRule);
      expect(guided.shape).toEqual(ref.input.shape);
      expect(guided.dataSync().every(Number.isFinite)).toBe(true);
      // The rule is really applied: guided backprop differs from the plain gradient.
      expect(relL2(guided.dataSync(), grad.dataSync())).toBeGreaterThan(0.05);
      tf.dispose([grad, guided]);
    } finally {
      x.dispose();
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(0);
  });
});

it('lists the layers (a nested model\'s inlined) and gives conv kernels (depthwise and separable too)', async () => {
  const model = await loadModel(path.join(fixtures, 'functional.h5'));
  try {
    const row = (n: string) => model.layers.find((l) => l.name === n)!;
    expect(row('stem')).toMatchObject({ type: 'Conv2D', outputShape: [16, 16, 8], isConv: true, params: 3 * 3 * 3 * 8 + 8 });
    expect(row('concat').outputShape).toEqual([16, 16, 16]);
    expect(model.kernel('stem').shape).toEqual([3, 3, 3, 8]);
    expect(model.kernel('dw').shape).toEqual([3, 3, 8, 1]);
  } finally {
    model.dispose();
  }
  const nested = await loadModel(path.join(fixtures, 'nested.keras'));
  expect(nested.layers.map((l) => l.name)).toEqual(['block_conv', 'block_bn', 'block_relu', 'gap', 'logits']);
  expect(nested.kernel('block_conv').shape).toEqual([3, 3, 3, 6]);
  nested.dispose();
});

/**
 * sequential.h5's Keras 2 config, edited, in a .keras zip with sequential.keras's weights (the
 * loader reads either config format; rewriting an HDF5 attribute would need h5py).
 */
async function withConfig(edit: (config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }) => void): Promise<string> {
  const bytes = readFileSync(path.join(fixtures, 'sequential.h5'));
  const config = await withHdf5('x', bytes, (h5) => JSON.parse(h5.attrText('/', 'model_config')!));
  edit(config);
  const file = path.join(tmp(), 'edited.keras');
  writeZip(file, { 'config.json': Buffer.from(JSON.stringify(config)), 'model.weights.h5': zipEntry(path.join(fixtures, 'sequential.keras'), 'model.weights.h5') });
  return file;
}

function zipEntry(file: string, name: string): Buffer {
  return openZip(file, readFileSync(file)).read(name)!;
}

/** A minimal deflate zip writer for the tests (local headers, central directory, end record). */
function writeZip(file: string, entries: Record<string, Buffer>): void {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const packed = deflateRawSync(data);
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, packed);
    centrals.push(central, n);
    offset += 30 + n.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...locals, dir, end]));
}

describe('malformed files: one clear error each', () => {
  it('a Lambda layer is refused by name, never evaluated', async () => {
    const file = await withConfig((c) => {
      c.config.layers.splice(2, 0, { class_name: 'Lambda', config: { name: 'my_lambda', function: ['4wEAAAAAAAAA', null, null], function_type: 'lambda' } });
    });
    await expect(loadModel(file)).rejects.toThrow(/edited\.keras: layer 'my_lambda' \(Lambda\) runs Python code stored in the model file, which ConvScope never evaluates/);
  });

  it('a layer TF.js does not implement is named with its class', async () => {
    const file = await withConfig((c) => {
      c.config.layers.splice(2, 0, { class_name: 'RandomFlip', config: { name: 'flip', mode: 'horizontal' } });
    });
    await expect(loadModel(file)).rejects.toThrow(/layer 'flip' \(RandomFlip\) is not supported/);
  });

  it('weights that do not fit the config name the layer and the weight, and leave no tensor behind', async () => {
    const file = await withConfig((c) => {
      c.config.layers.find((l) => l.config.name === 'dense')!.config.units = 7;
    });
    const before = tf.memory().numTensors;
    await expect(loadModel(file)).rejects.toThrow(/weight 'kernel' of layer 'dense' has shape \[192, 10\] in the file, but the layer's config needs \[192, 7\]/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('truncated .h5 and .keras files name the file', async () => {
    const dir = tmp();
    for (const name of ['sequential.h5', 'sequential.keras']) {
      const bytes = readFileSync(path.join(fixtures, name));
      for (const n of [100, Math.floor(bytes.length / 2)]) {
        const cut = path.join(dir, `cut${n}-${name}`);
        writeFileSync(cut, bytes.subarray(0, n));
        await expect(loadModel(cut)).rejects.toThrow(new RegExp(`cut${n}-${name.replace('.', '\\.')}.*(truncated or corrupt)`));
      }
    }
  });

  it('HDF5 without model_config; a zip without config.json', async () => {
    const dir = tmp();
    const weights = path.join(dir, 'weights.h5');
    writeFileSync(weights, zipEntry(path.join(fixtures, 'sequential.keras'), 'model.weights.h5'));
    await expect(loadModel(weights)).rejects.toThrow(/weights\.h5: an HDF5 file without a 'model_config' attribute/);
    const zip = path.join(dir, 'no-config.keras');
    writeZip(zip, { 'metadata.json': Buffer.from('{}') });
    await expect(loadModel(zip)).rejects.toThrow(/no-config\.keras: a zip without 'config\.json': not a Keras 3 \.keras model \(entries: metadata\.json\)/);
  });
});

describe('convscope info on a Keras model (dist/cli.js, after npm run build)', () => {
  const cli = path.join(root, 'dist/cli.js');
  it.runIf(existsSync(cli))('lists the layers of an .h5 file', async () => {
    const env = { ...process.env, CONVSCOPE_DEBUG: '', CONVSCOPE_BACKEND: 'wasm' };
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [cli, 'info', '--model', path.join(fixtures, 'functional.h5')], { env, timeout: 60_000 }, (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout))),
    );
    expect(out).toMatch(/keras model, input 16×16×3, 5 outputs/);
    expect(out).toMatch(/sep\s+SeparableConv2D\s+16×16×8/);
  });
});
