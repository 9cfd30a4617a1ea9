import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import * as esbuild from 'esbuild';
import { readReference, referenceFile } from './support/reference';
import { writeTinyGraphModel } from '../fixtures/tinyGraphModel';

// The CLI contract (DESIGN.md §5): exit 0 on success; 2 with one clear line on stderr for bad
// input, naming the file and what is wrong. Runs the built dist/cli.js as users do.

const root = path.resolve(__dirname, '../..');
// Our own build of the CLI, with esbuild.mjs's options for Node targets: other test files run
// `node esbuild.mjs` in parallel, and a dist/cli.js rewritten while we spawn it makes flaky runs.
// It sits in dist/ so that its external packages resolve from the repository's node_modules.
const cli = path.join(root, `dist/.cli-test-${process.pid}.js`);
const model = referenceFile('model_a/model/model.json');
const image = referenceFile('model_a/radial_bar/input.png');
let tmp: string;
let graphModel: string;
const at = (name: string) => path.join(tmp, name);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    // CONVSCOPE_DEBUG would put stack traces on stderr; the contract is about what users see.
    const env = { ...process.env, CONVSCOPE_DEBUG: '', CONVSCOPE_BACKEND: process.env.CONVSCOPE_BACKEND ?? 'wasm' };
    execFile(process.execPath, [cli, ...args], { cwd: tmp, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exit 2, nothing on stdout, one stderr line starting with "convscope: ", no stack trace. */
function expectBadInput(r: Run, ...mentions: (string | RegExp)[]): string {
  expect(r.code, `stderr: ${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  const line = lines[0]!;
  expect(line.startsWith('convscope: ')).toBe(true);
  expect(line).not.toMatch(/internal error|\bat .*\.(js|ts):\d+|Error:/);
  for (const m of mentions) {
    if (typeof m === 'string') expect(line).toContain(m);
    else expect(line).toMatch(m);
  }
  return line;
}

beforeAll(async () => {
  await esbuild.build({ entryPoints: [path.join(root, 'src/engine/cli.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  tmp = mkdtempSync(path.join(tmpdir(), 'convscope-cli-'));

  const png = readFileSync(image);
  writeFileSync(at('text.png'), 'this is a text file, not an image\n');
  writeFileSync(at('empty.png'), '');
  writeFileSync(at('truncated.png'), png.subarray(0, Math.floor(png.length / 2)));
  const scrambled = Buffer.from(png);
  const idat = png.indexOf('IDAT');
  for (let i = idat + 10; i < idat + 40; i++) scrambled[i]! ^= 0x5a;
  writeFileSync(at('scrambled.png'), scrambled);
  // A valid PNG header that claims 60000×60000 pixels (14 GB as RGBA): refused from the header.
  const huge = Buffer.from(png);
  huge.writeUInt32BE(60000, 16);
  huge.writeUInt32BE(60000, 20);
  writeFileSync(at('huge.png'), huge);

  const jpg = jpeg.encode({ data: Buffer.alloc(32 * 32 * 4, 128), width: 32, height: 32 }, 90).data;
  writeFileSync(at('good.jpg'), jpg);
  writeFileSync(at('truncated.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)));
  writeFileSync(at('header-only.jpg'), jpg.subarray(0, 20));

  graphModel = writeTinyGraphModel(at('graph')).file;
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  rmSync(cli, { force: true });
});

describe.concurrent('bad input: exit 2 and one line on stderr naming the file and the problem', () => {
  it('missing image file', async () => {
    expectBadInput(await run('predict', '--model', model, '--image', at('nope.png')), at('nope.png'), /file not found/);
  });

  it('a folder given as image', async () => {
    expectBadInput(await run('predict', '--model', model, '--image', tmp), tmp, /is a directory/);
  });

  it('a text file named .png', async () => {
    expectBadInput(await run('predict', '--model', model, '--image', at('text.png')), at('text.png'), /not a PNG, JPEG or BMP image/);
  });

  it('an empty file named .png', async () => {
    expectBadInput(await run('predict', '--model', model, '--image', at('empty.png')), at('empty.png'), /empty file/);
  });

  it('a truncated PNG', async () => {
    expectBadInput(await run('predict', '--model', model, '--image', at('truncated.png')), at('truncated.png'), /corrupt PNG data/, /truncated/);
  });

  it('a PNG with scrambled image data', async () => {
    expectBadInput(await run('predict', '--model', model, '--image', at('scrambled.png')), at('scrambled.png'), /corrupt PNG data/);
  });

  it('a PNG header claiming 60000×60000 pixels', async () => {
    expectBadInput(await run('saliency', '--model', model, '--image', at('huge.png')), at('huge.png'), /60000x60000/, /above the limit/);
  });

  it('a truncated JPEG, in the data and in the header', async () => {
    expectBadInput(await run('predict', '--model', model, '--image', at('truncated.jpg')), at('truncated.jpg'), /corrupt JPEG data/, /truncated/);
    expectBadInput(await run('predict', '--model', model, '--image', at('header-only.jpg')), at('header-only.jpg'), /corrupt JPEG data/, /truncated/);
  });

  it('unknown layer name: the message lists the valid names', async () => {
    const line = expectBadInput(await run('activations', '--model', model, '--image', image, '--layer', 'conv9'), model, /no layer named 'conv9'/);
    expect(line).toContain('valid layers: conv1, relu1, pool1, conv2, relu2, pool2, gap, logits');
  });

  it('unknown layer name for a neuron target and for Grad-CAM', async () => {
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--layer', 'conv9', '--channel', '0'), model, /no layer named 'conv9'; valid layers: conv1/);
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--method', 'gradcam', '--layer', 'conv9'), model, /no layer named 'conv9'; valid layers: conv1/);
  });

  it('unknown command: the message lists the commands', async () => {
    expectBadInput(await run('frobnicate', '--model', model), /unknown command 'frobnicate'; commands: info, predict, activations, filters, gram, saliency/);
  });

  it('unknown option', async () => {
    const line = expectBadInput(await run('predict', '--model', model, '--image', image, '--frobnicate'), /unknown option '--frobnicate'/);
    expect(line).not.toMatch(/positional/);
  });

  it('non-numeric, negative and fractional --target', async () => {
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--target', 'cat'), /--target must be an integer/, /got 'cat'/);
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--target=-1'), /--target must be an integer/, /got '-1'/);
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--target', '1.5'), /--target must be an integer/, /got '1\.5'/);
  });

  it('target class out of range', async () => {
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--target', '10'), model, /target class must be 0\.\.9; got 10/);
  });

  it('--method nope: the message lists the methods', async () => {
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--method', 'nope'), /--method must be one of vanilla, guided, deconvnet, occlusion, gradcam, smoothgrad, integrated-gradients; got 'nope'/);
  });

  it('missing --model, and --model without a value', async () => {
    expectBadInput(await run('predict', '--image', image), /--model is required/);
    expectBadInput(await run('predict', '--model'), /--model/, /argument missing/);
  });

  it('a model path that does not exist', async () => {
    expectBadInput(await run('info', '--model', at('none/model.json')), at('none/model.json'), /model file not found/);
  });

  it('--out that is not a .png is refused before the work starts', async () => {
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--out', at('map.jpg')), at('map.jpg'), /must be a \.png file/);
    expect(existsSync(at('map.jpg'))).toBe(false);
  });

  it('--out on a command without a picture is refused before the work starts', async () => {
    expectBadInput(await run('predict', '--model', model, '--image', image, '--out', at('p.png')), /predict has no image to write with --out/, /saliency/);
    expect(existsSync(at('p.png'))).toBe(false);
  });

  it('step and sample counts past 4096 are refused before any work (they ran for minutes, unbounded)', async () => {
    for (const steps of ['1e5', '1e9', '4097']) expectBadInput(await run('saliency', '--model', model, '--image', image, '--method', 'integrated-gradients', '--steps', steps), /--steps must be an integer in \[1, 4096\]/, `got '${steps}'`);
    expectBadInput(await run('saliency', '--model', model, '--image', image, '--method', 'smoothgrad', '--samples', '1e9'), /--samples must be an integer in \[1, 4096\]; got '1e9'/);
  });

  it('guided backprop on a graph model', async () => {
    expectBadInput(await run('saliency', '--model', graphModel, '--image', image, '--method', 'guided'), graphModel, /guided backprop needs a layers model/);
    // Asked of the model's capabilities by the method, SmoothGrad over guided backprop included.
    expectBadInput(await run('saliency', '--model', graphModel, '--image', image, '--method', 'smoothgrad', '--base', 'guided'), graphModel, /needs a layers model \(a graph model's ReLUs/);
  });

  it('--json into a path under a file', async () => {
    const r = await run('info', '--model', model, '--json', path.join(at('text.png'), 'info.json'));
    // info prints its table first; the failure is still one line on stderr with exit 2.
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([`convscope: ${path.join(at('text.png'), 'info.json')}: cannot write (a part of the path is a file, not a folder)`]);
  });
});

/** The --json file of a successful run; a failure shows what the CLI printed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function readJson(file: string, r: Run): any {
  expect(r.code, `exit code; stderr: ${r.stderr}`).toBe(0);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

describe.concurrent('good input: exit 0 and the --json the contract describes', () => {
  it('--help', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^convscope <command> --model/);
    expect(r.stderr).toBe('');
  });

  it('asked for a native backend that is not installed, falls back to wasm and says why', async () => {
    const r = await run('info', '--model', model, '--backend', 'native', '--json', at('native.json'));
    expect(r.code, r.stderr).toBe(0);
    const j = readJson(at('native.json'), r);
    expect(j.backend).toBe('wasm');
    expect(j.backendSkipped).toEqual([expect.stringMatching(/^@tensorflow\/tfjs-node: /)]);
    expect(r.stdout).toMatch(/backend\s+wasm/);
  });

  it('info', async () => {
    const r = await run('info', '--model', model, '--json', at('info.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const j = readJson(at('info.json'), r);
    expect(j.backend).toEqual(expect.any(String));
    expect(j.kind).toBe('layers');
    expect(j.inputShape).toEqual({ height: 32, width: 32, channels: 3 });
    expect(j.numClasses).toBe(10);
    expect(j.layers.map((l: { name: string }) => l.name)).toEqual(['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'gap', 'logits']);
    expect(r.stdout).toContain('conv1');
  });

  it('predict: 10 logits as in the reference, probabilities that sum to 1, the backend', async () => {
    const r = await run('predict', '--model', model, '--image', image, '--json', at('predict.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const j = readJson(at('predict.json'), r);
    expect(j.backend).toEqual(expect.any(String));
    expect(j.backend.length).toBeGreaterThan(0);
    expect(j.logits.shape).toEqual([10]);
    expect(j.logits.data).toHaveLength(10);
    expect(j.probabilities.shape).toEqual([10]);
    const sum = (j.probabilities.data as number[]).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5);
    const ref = readReference('model_a', 'radial_bar', 'logits.json').logits.data as number[];
    (j.logits.data as number[]).forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-4));
    expect(j.top[0].index).toBe(ref.indexOf(Math.max(...ref)));
  });

  it('predict on a graph model (the 32×32 image resized to its 8×8 input)', async () => {
    const r = await run('predict', '--model', graphModel, '--image', image, '--json', at('predict-graph.json'));
    expect(r.code, r.stderr).toBe(0);
    const j = readJson(at('predict-graph.json'), r);
    expect(j.logits.shape).toEqual([5]);
    expect((j.probabilities.data as number[]).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('integrated gradients that miss completeness by more than 5 % warn on stderr and in --json, exit 0', async () => {
    const r = await run('saliency', '--model', model, '--image', image, '--method', 'integrated-gradients', '--steps', '2', '--target', '0', '--json', at('ig2.json'));
    const j = readJson(at('ig2.json'), r);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^convscope: warning: integrated gradients: attributions are incomplete: .* % of f\(x\) − f\(baseline\)/)]);
    expect(j.warnings).toEqual([lines[0]!.replace('convscope: warning: ', '')]);
    const fine = await run('saliency', '--model', model, '--image', image, '--method', 'integrated-gradients', '--steps', '50', '--target', '0', '--json', at('ig50.json'));
    expect(fine.stderr).toBe('');
    expect(readJson(at('ig50.json'), fine).warnings).toEqual([]);
  });

  it('every --json result has warnings, empty when none', async () => {
    const r = await run('predict', '--model', model, '--image', image, '--json', at('predict-warnings.json'));
    expect(readJson(at('predict-warnings.json'), r).warnings).toEqual([]);
  });

  it('predict reads a JPEG too', async () => {
    const r = await run('predict', '--model', model, '--image', at('good.jpg'), '--json', at('predict-jpg.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(readJson(at('predict-jpg.json'), r).logits.shape).toEqual([10]);
  });

  it('saliency --method vanilla: attribution [32,32,3], map [32,32], and --out writes a valid PNG', async () => {
    const out = at('sub/dir/vanilla.png');
    const r = await run('saliency', '--model', model, '--image', image, '--method', 'vanilla', '--json', at('vanilla.json'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const j = readJson(at('vanilla.json'), r);
    expect(j.backend).toEqual(expect.any(String));
    expect(j.method).toBe('vanilla');
    expect(j.target.kind).toBe('class');
    expect(j.attribution.shape).toEqual([32, 32, 3]);
    expect(j.attribution.data).toHaveLength(32 * 32 * 3);
    expect(j.map.shape).toEqual([32, 32]);
    expect(j.map.data).toHaveLength(32 * 32);
    for (let p = 0; p < 32 * 32; p++) {
      const a = j.attribution.data.slice(p * 3, p * 3 + 3).map(Math.abs);
      expect(j.map.data[p]).toBeCloseTo(Math.max(...a), 6);
    }
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const png = PNG.sync.read(bytes);
    expect(png.width).toBeGreaterThan(0);
    expect(png.height).toBeGreaterThan(0);
    expect(png.data.length).toBe(png.width * png.height * 4);
  });
});
