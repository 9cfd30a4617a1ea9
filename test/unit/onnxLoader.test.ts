// ONNX models (issue 12, phase 1): PyTorch exports load, run channels-last and match PyTorch.
// The fixtures and their reference values come from scripts/fixtures/onnx/make_onnx_fixtures.py
// (PyTorch 1.13, opset 13), committed; no Python runs here. Tolerance: relative L2 ≤ 1e-4 for
// logits, activations and input gradients (float32 on both sides; measured ≲ 1e-6).
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { Root, type INamespace } from 'protobufjs/light';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/engine/tf';
import { loadModel } from '../../src/engine/model/loadModel';
import { loaderFor } from '../../src/engine/model/loaders';
import { openModelSource } from '../../src/engine/model/modelSource';
import { inputGradient } from '../../src/engine/methods/inputGradient';
import { guidedRule } from '../../src/engine/methods/guidedBackprop';
import type { OnnxModel } from '../../src/engine/model/onnx/proto';
import schema from '../../src/engine/model/onnx/schema/onnx.json';
import { useWasm } from './support/backend';
import { relL2, type RefArray } from './support/reference';

beforeAll(useWasm);

const root = path.resolve(__dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/onnx');
const fixture = (name: string) => path.join(fixtures, `${name}.onnx`);
const TOL = 1e-4;

interface Reference {
  input: RefArray;
  logits: RefArray;
  activation: RefArray & { node: string; output: string; op: string };
  target: number;
  gradient: RefArray;
  guided: RefArray;
}
const reference = (name: string): Reference => JSON.parse(readFileSync(path.join(fixtures, `${name}.reference.json`), 'utf8'));
const tensorOf = (r: RefArray) => tf.tensor4d(r.data, r.shape as [number, number, number, number]);

const modelType = Root.fromJSON(schema as INamespace).lookupType('onnx.ModelProto');
/** A fixture decoded, changed by `edit`, and written to a fresh folder. */
function edited(name: string, edit: (m: OnnxModel, dir: string) => void): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'convscope-onnx-'));
  const m = modelType.decode(readFileSync(fixture(name))) as unknown as OnnxModel;
  edit(m, dir);
  const file = path.join(dir, 'model.onnx');
  writeFileSync(file, modelType.encode(m as never).finish());
  return file;
}

describe.each(['plain_cnn', 'depthwise', 'residual', 'activations', 'upsampling'])('%s matches PyTorch', (name) => {
  const ref = reference(name);
  it('logits, an activation (by node name and by output name), the input gradient and guided backprop', async () => {
    const model = await loadModel(fixture(name));
    const x = tensorOf(ref.input);
    try {
      expect(model.kind).toBe('onnx');
      expect([...model.capabilities].sort()).toEqual(['kernels', 'layer-outputs', 'relu-rules']);
      expect(model.inputShape).toEqual({ height: ref.input.shape[1], width: ref.input.shape[2], channels: 3 });
      expect(model.numClasses).toBe(ref.logits.shape[1]);
      const { logits, activation, byOutput } = tf.tidy(() => {
        const r = model.forward(x, { capture: [ref.activation.node, ref.activation.output] });
        return { logits: r.logits.dataSync(), activation: r.captured.get(ref.activation.node)!, byOutput: r.captured.get(ref.activation.output)!.dataSync() };
      });
      expect(relL2(logits, ref.logits.data)).toBeLessThan(TOL);
      expect(activation.shape).toEqual(ref.activation.shape);
      expect(relL2(activation.dataSync(), ref.activation.data)).toBeLessThan(TOL);
      expect(relL2(byOutput, ref.activation.data)).toBeLessThan(TOL);
      activation.dispose();
      const target = { kind: 'class' as const, index: ref.target };
      const grad = inputGradient(model, x, target);
      const guided = inputGradient(model, x, target, guidedRule);
      expect(grad.shape).toEqual(ref.gradient.shape);
      expect(relL2(grad.dataSync(), ref.gradient.data)).toBeLessThan(TOL);
      expect(relL2(guided.dataSync(), ref.guided.data)).toBeLessThan(TOL);
      // The rule is really applied: guided backprop differs from the plain gradient here.
      expect(relL2(guided.dataSync(), ref.gradient.data)).toBeGreaterThan(0.05);
      tf.dispose([grad, guided]);
    } finally {
      x.dispose();
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(0);
  });

  it('a batch of two gives each sample its own logits (the batch size is not frozen at 1)', async () => {
    const model = await loadModel(fixture(name));
    const logits = tf.tidy(() => {
      const x = tensorOf(ref.input);
      return model.forward(tf.concat([x, tf.reverse(x, 1)]) as tf.Tensor4D).logits.arraySync();
    });
    expect(relL2(logits[0]!, ref.logits.data)).toBeLessThan(TOL);
    expect(relL2(logits[1]!, ref.logits.data)).toBeGreaterThan(1e-3);
    model.dispose();
  });
});

it('a dynamic batch with its Shape/Gather/Unsqueeze/Concat → Reshape chain (folded at load time) gives plain_cnn\'s numbers', async () => {
  const model = await loadModel(fixture('plain_cnn_dynamic'));
  const ref = reference('plain_cnn');
  try {
    expect(model.layers.map((l) => l.type)).toEqual(['Conv', 'Relu', 'MaxPool', 'BatchNormalization', 'Conv', 'Relu', 'MaxPool', 'Reshape', 'Gemm']);
    const x = tensorOf(ref.input);
    const logits = tf.tidy(() => model.forward(tf.concat([x, x]) as tf.Tensor4D).logits.arraySync());
    expect(relL2(logits[1]!, ref.logits.data)).toBeLessThan(TOL);
    const grad = inputGradient(model, x, { kind: 'class', index: ref.target }, guidedRule);
    expect(relL2(grad.dataSync(), ref.guided.data)).toBeLessThan(TOL);
    tf.dispose([x, grad]);
  } finally {
    model.dispose();
  }
});

describe('layers', () => {
  it('lists nodes channels-last with receptive fields; kernels HWIO (depthwise [kh, kw, C, 1])', async () => {
    const plain = await loadModel(fixture('plain_cnn'));
    const dw = await loadModel(fixture('depthwise'));
    try {
      const row = (n: string) => plain.layers.find((l) => l.name === n)!;
      expect(row('/c1/Conv')).toMatchObject({ type: 'Conv', outputShape: [30, 30, 8], isConv: true, params: 8 * 27 + 8, receptiveField: { size: [3, 3], stride: [1, 1], start: [0, 0] } });
      expect(row('/p1/MaxPool').receptiveField).toMatchObject({ size: [4, 4], stride: [2, 2], start: [0.5, 0.5] });
      expect(row('/p2/MaxPool').outputShape).toEqual([8, 8, 12]);
      expect(row('/fc/Gemm')).toMatchObject({ outputShape: [10], receptiveField: { global: true } });
      expect(plain.layers.map((l) => l.type)).not.toContain('Constant');
      expect(plain.kernel('/c1/Conv').shape).toEqual([3, 3, 3, 8]);
      expect(dw.kernel('/dw/dw.0/Conv').shape).toEqual([3, 3, 16, 1]);
      expect(() => plain.kernel('/a1/inner/Relu')).toThrow(/no convolution kernel; conv layers: \/c1\/Conv, \/c2\/Conv/);
      expect(() => plain.forward(tf.zeros([1, 30, 30, 3]), { capture: ['nope'] })).toThrow(/no layer \(ONNX node or node output\) named 'nope'; layers include: \/c1\/Conv/);
    } finally {
      plain.dispose();
      dw.dispose();
    }
  });

  it('a partial pass runs the convolutions on another image size; a replaced layer output drives the rest', async () => {
    const model = await loadModel(fixture('residual'));
    const ref = reference('residual');
    tf.tidy(() => {
      const r = model.forward(tf.zeros([2, 40, 36, 3]), { capture: ['/Add_1'], stopAtCaptured: true });
      expect(r.captured.get('/Add_1')!.shape).toEqual([2, 20, 18, 16]);
      expect(r.logits.shape).toEqual([2, 0]);
      const x = tensorOf(ref.input);
      const act = model.forward(x, { capture: ['/Add_1'] }).captured.get('/Add_1')!;
      const replaced = model.forward(tf.zeros([1, 24, 24, 3]), { replace: { layer: '/Add_1', value: act } }).logits;
      expect(relL2(replaced.dataSync(), ref.logits.data)).toBeLessThan(TOL);
    });
    model.dispose();
  });
});

describe('files', () => {
  it('sniffs ONNX by content, whatever the name; a binary that starts like one is not taken', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convscope-onnx-'));
    copyFileSync(fixture('plain_cnn'), path.join(dir, 'weights.bin'));
    expect(loaderFor(openModelSource(path.join(dir, 'weights.bin'))).format).toBe('onnx');
    writeFileSync(path.join(dir, 'x.onnx'), Buffer.from([0x08, 0x07, 0x12, 0x00, 0x01, 0, 0]));
    expect(() => loaderFor(openModelSource(path.join(dir, 'x.onnx')))).toThrow(/not a model ConvScope can read/);
  });

  it('a truncated file, wrong magic, a graph without an operator set: one clear error each', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'convscope-onnx-'));
    const bytes = readFileSync(fixture('plain_cnn'));
    for (const n of [30, 20000, bytes.length - 3]) {
      writeFileSync(path.join(dir, `cut${n}.onnx`), bytes.subarray(0, n));
      await expect(loadModel(path.join(dir, `cut${n}.onnx`))).rejects.toThrow(new RegExp(`cut${n}\\.onnx: a truncated ONNX file \\(its protobuf fields run past its ${n} bytes\\)`));
    }
    writeFileSync(path.join(dir, 'magic.onnx'), Buffer.concat([Buffer.from([0x09]), bytes.subarray(1)]));
    await expect(loadModel(path.join(dir, 'magic.onnx'))).rejects.toThrow(/magic\.onnx: not a model ConvScope can read \(supported: ONNX/);
    const noOpset = edited('plain_cnn', (m) => {
      m.opset_import = [{ domain: 'com.example', version: 1 }];
    });
    await expect(loadModel(noOpset)).rejects.toThrow(/imports no standard operator set/);
  });

  it('an unsupported operator is one error naming it and its node', async () => {
    const file = edited('plain_cnn', (m) => {
      m.graph!.node!.find((n) => n.name === '/a1/inner/Relu')!.op_type = 'Erf';
    });
    await expect(loadModel(file)).rejects.toThrow(/unsupported ONNX operator 'Erf' \(node '\/a1\/inner\/Relu'\); ConvScope supports .*Conv/);
  });

  it('external data next to the model loads; a location outside the folder is refused', async () => {
    const moved = (location: string) =>
      edited('plain_cnn', (m, dir) => {
        const w = m.graph!.initializer!.find((t) => t.name === 'fc.weight')!;
        writeFileSync(path.join(dir, 'fc.bin'), Buffer.concat([Buffer.alloc(16), w.raw_data!]));
        w.external_data = [{ key: 'location', value: location }, { key: 'offset', value: '16' }, { key: 'length', value: String(w.raw_data!.length) }];
        w.data_location = 1;
        w.raw_data = new Uint8Array(0);
      });
    const model = await loadModel(moved('fc.bin'));
    const ref = reference('plain_cnn');
    const logits = tf.tidy(() => model.forward(tensorOf(ref.input)).logits.dataSync());
    expect(relL2(logits, ref.logits.data)).toBeLessThan(TOL);
    model.dispose();
    await expect(loadModel(moved('../fc.bin'))).rejects.toThrow(/initializer 'fc\.weight': external data location '\.\.\/fc\.bin' escapes the model's folder/);
    await expect(loadModel(moved('/etc/passwd'))).rejects.toThrow(/must be a relative file name inside the model's folder/);
  });

  it('an initializer whose bytes do not match its dims is named', async () => {
    const file = edited('plain_cnn', (m) => {
      const w = m.graph!.initializer!.find((t) => t.name === 'fc.bias')!;
      w.raw_data = w.raw_data!.subarray(0, 36);
    });
    await expect(loadModel(file)).rejects.toThrow(/initializer 'fc\.bias' holds 36 bytes, but its dims \[10\] need 40/);
  });
});

describe('convscope info on an ONNX model (the CLI as users run it)', () => {
  const cli = path.join(root, `dist/.cli-onnx-test-${process.pid}.js`);
  beforeAll(async () => {
    await esbuild.build({ entryPoints: [path.join(root, 'src/engine/cli.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  });
  afterAll(() => rmSync(cli, { force: true }));

  it('lists the nodes with channels-last shapes and receptive fields', async () => {
    const env = { ...process.env, CONVSCOPE_DEBUG: '', CONVSCOPE_BACKEND: 'wasm' };
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [cli, 'info', '--model', fixture('residual')], { env, timeout: 60_000 }, (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout))),
    );
    expect(out).toMatch(/onnx model, input 24×24×3, 7 outputs/);
    expect(out).toMatch(/\/b2\/b2\.0\/Conv\s+Conv\s+12×12×16\s+1168\s+9×9\s+2×2/);
    expect(out).toMatch(/\/relu\/inner_2\/Relu\s+Relu/);
  });
});
