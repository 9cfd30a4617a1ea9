import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import jpeg from 'jpeg-js';
import * as tf from '../../src/engine/tf';
import { UserError } from '../../src/engine/errors';
import { loadModel } from '../../src/engine/model/loadModel';
import { jsonErrorOffset, parseJsonText } from '../../src/engine/model/jsonText';
import { jpegDecoderBytes, minJpegBytes, readJpegFrame } from '../../src/engine/image/jpegHeader';
import { stringWeightBytes } from '../../src/engine/model/weightValues';
import { writeTinyGraphModel } from '../fixtures/tinyGraphModel';
import { writeMalformedModels } from '../fixtures/malformed/malformedModels';
import { maxAbs, referenceFile } from './support/reference';
import { useWasm } from './support/backend';

// The loader side of the malformed-input cases (malformedInputs.test.ts runs them through the
// CLI): one UserError each, no tensor left behind; and the checks must not refuse good files.

const tmp = mkdtempSync(path.join(tmpdir(), 'convscope-malformed-loader-'));
const source = referenceFile('model_a/model/model.json');
const modelCases = writeMalformedModels(path.join(tmp, 'models'), source, 'unused.png').filter((c) => !c.args.includes('--labels'));

beforeAll(async () => {
  await useWasm();
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('loadModel on malformed models', () => {
  it.each(modelCases)('$name', async (c) => {
    const before = tf.memory().numTensors;
    const error = await loadModel(c.args[c.args.indexOf('--model') + 1]!).then(
      (m) => (m.dispose(), undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(c.names);
    expect(message).toMatch(c.says);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('quantized weights of the right size load unshifted', () => {
  it('uint8, uint16 and float16 weights in one shard give the same predictions', async () => {
    // model_a with conv1/kernel uint16, conv2/kernel uint8 and logits/kernel float16.
    const json = JSON.parse(readFileSync(source, 'utf8'));
    const bin = readFileSync(path.join(path.dirname(source), 'group1-shard1of1.bin'));
    const parts: Buffer[] = [];
    let offset = 0;
    for (const w of json.weightsManifest[0].weights) {
      const n = w.shape.reduce((a: number, b: number) => a * b, 1);
      const values = new Float32Array(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + n * 4));
      offset += n * 4;
      const q = { 'conv1/kernel': 'uint16', 'conv2/kernel': 'uint8', 'logits/kernel': 'float16' }[w.name as string];
      if (q === 'float16') {
        w.quantization = { dtype: 'float16', original_dtype: 'float32' };
        parts.push(Buffer.from(new Uint16Array(Array.from(values, toHalf)).buffer));
      } else if (q) {
        const levels = q === 'uint8' ? 255 : 65535;
        const min = Math.min(...values);
        const scale = (Math.max(...values) - min) / levels;
        w.quantization = { dtype: q, scale, min, original_dtype: 'float32' };
        const codes = Array.from(values, (v) => Math.round((v - min) / scale));
        parts.push(Buffer.from((q === 'uint8' ? new Uint8Array(codes) : new Uint16Array(codes)).buffer));
      } else {
        parts.push(Buffer.from(values.buffer));
      }
    }
    const dir = path.join(tmp, 'quantized');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    writeFileSync(path.join(dir, 'group1-shard1of1.bin'), Buffer.concat(parts));

    const before = tf.memory().numTensors;
    const quantized = await loadModel(path.join(dir, 'model.json'));
    const original = await loadModel(source);
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
    const [a, b] = tf.tidy(() => [quantized.forward(x).logits, original.forward(x).logits]);
    const scale = Math.max(...Array.from(b.dataSync(), Math.abs));
    // Shifted weights would be off by O(scale); 8-bit quantization is off by about 1 %.
    expect(maxAbs(a.dataSync(), b.dataSync())).toBeLessThan(0.05 * scale);
    expect(maxAbs(a.dataSync(), b.dataSync())).toBeGreaterThan(0);
    tf.dispose([x, a, b]);
    quantized.dispose();
    original.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('good files the new checks must keep accepting', () => {
  it('a graph model without "versions" loads (tfjs would otherwise read versions.producer of undefined)', async () => {
    const g = writeTinyGraphModel(path.join(tmp, 'no-versions'));
    const json = JSON.parse(readFileSync(g.file, 'utf8'));
    delete json.modelTopology.versions;
    writeFileSync(g.file, JSON.stringify(json));
    const model = await loadModel(g.file);
    expect(model.numClasses).toBe(g.classes);
    model.dispose();
  });

  it('string weights are sized from their length prefixes', () => {
    // Two strings, 'ab' and 'xyz', each after a little-endian uint32 length; then 3 spare bytes.
    const data = new Uint8Array([2, 0, 0, 0, 97, 98, 3, 0, 0, 0, 120, 121, 122, 0, 0, 0]).buffer;
    expect(stringWeightBytes(data, 0, 2, 13)).toBe(13);
    expect(stringWeightBytes(data, 0, 2, 12)).toBeUndefined();
    expect(stringWeightBytes(data, 6, 1, 13)).toBe(7);
  });
});

/** float32 → IEEE half (round to nearest; the test weights are small normal numbers). */
function toHalf(v: number): number {
  const f = new Float32Array([v]);
  const bits = new Uint32Array(f.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0) return sign;
  return sign | (exponent << 10) | Math.round((bits & 0x7fffff) / 0x2000);
}

describe('JSON errors give a position, never the text', () => {
  it.each([
    ['root:x:0:0:secret', 0],
    ['{\n  "a": secret\n}', 9],
    ['["a", "b", secret', 11],
    ['{"a": 1} trailing', 9],
    ['[1, 2,]', 6],
    ['{"a" 1}', 5],
    ['{"a": [1, {"b": nul', 19],
  ])('%j fails at offset %i', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
    const message = (() => {
      try {
        parseJsonText(text, 'f.json');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(message).toMatch(/^f\.json: not valid JSON \((at line \d+, column \d+|the file ends before the JSON is complete)\)$/);
    expect(message).not.toMatch(/secret|trailing/);
  });

  it('reports an unfinished file as such, and accepts a byte-order mark', () => {
    expect(() => parseJsonText('{"labels": ["cat", "do', 'f.json')).toThrow(/the file ends before the JSON is complete/);
    expect(parseJsonText('\ufeff{"a": [1, "x"]}', 'f.json')).toEqual({ a: [1, 'x'] });
  });
});

describe('JPEG header arithmetic', () => {
  const encode = (width: number, height: number, fill: (i: number) => number) =>
    Buffer.from(jpeg.encode({ data: Buffer.from(Array.from({ length: width * height * 4 }, (_, i) => fill(i))), width, height }, 10).data);
  const frameOf = (buf: Buffer) => readJpegFrame(buf, (what) => {
    throw new Error(what);
  });

  it('the least-bytes bound holds for the most compressible real image', () => {
    const flat = encode(1024, 768, () => 128);
    expect(flat.length).toBeGreaterThanOrEqual(minJpegBytes(frameOf(flat)));
  });

  it("the decoder-memory estimate is jpeg-js' own count", () => {
    const img = encode(360, 250, (i) => (i * 37) % 251);
    const estimate = jpegDecoderBytes(frameOf(img));
    const decodeWith = (bytes: number) => () => jpeg.decode(img, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: bytes / 2 ** 20 });
    expect(decodeWith(estimate + 64 * 1024)).not.toThrow();
    expect(decodeWith(estimate - 64 * 1024)).toThrow(/maxMemoryUsageInMB/);
  });
});
