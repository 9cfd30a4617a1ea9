// The synthesis commands as users run them (dist CLI, wasm): visualize, invert and dream write
// their image and JSON, --config reproduces a run, Ctrl-C keeps the image so far, and bad input
// gets one clear line and exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as esbuild from 'esbuild';

const root = path.resolve(__dirname, '../..');
// Our own build (see cliErrors.test.ts): dist/cli.js may be rewritten by other test files meanwhile.
const cli = path.join(root, `dist/.cli-synthesis-test-${process.pid}.js`);
const digits = path.join(root, 'models/mnist-cnn/model.json');
const photo = path.join(root, 'samples/photos/chelsea.png');
let tmp: string;
const at = (name: string) => path.join(tmp, name);
const env = { ...process.env, CONVSCOPE_DEBUG: '', CONVSCOPE_BACKEND: 'wasm' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: tmp, env, timeout: 120_000 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

const png = (file: string) => PNG.sync.read(readFileSync(file));
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

beforeAll(async () => {
  await esbuild.build({ entryPoints: [path.join(root, 'src/engine/cli.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  tmp = mkdtempSync(path.join(tmpdir(), 'convscope-synthesis-'));
});
afterAll(() => {
  rmSync(cli, { force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('visualize', () => {
  it('prints its cost first, writes a class image at the model input size that predict reads as that class, and --config makes it again', async () => {
    const r = await run('visualize', '--model', digits, '--target', '7', '--steps', '120', '--seed', '3', '--out', at('seven.png'), '--json', at('seven.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('visualize: 120 steps × (1 forward + 1 backward pass), preset lucid');
    const img = png(at('seven.png'));
    expect([img.width, img.height]).toEqual([28, 28]);
    const p = await run('predict', '--model', digits, '--image', at('seven.png'), '--json', at('p.json'));
    expect(p.code, p.stderr).toBe(0);
    expect(json(at('p.json')).top[0].index).toBe(7);
    const out = json(at('seven.json'));
    expect(out.config).toMatchObject({ command: 'visualize', model: digits, options: { target: 7, preset: 'lucid', steps: 120, seed: 3 } });
    expect(out.config.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(out.curve).toHaveLength(120);
    expect(out.curve[119].total).toBeGreaterThan(out.curve[0].total);
    const again = await run('visualize', '--config', at('seven.json'), '--out', at('again.png'));
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(at('again.png')).equals(readFileSync(at('seven.png')))).toBe(true);
    // Flags override the config.
    const other = await run('visualize', '--config', at('seven.json'), '--seed', '4', '--out', at('other.png'));
    expect(other.code, other.stderr).toBe(0);
    expect(readFileSync(at('other.png')).equals(readFileSync(at('seven.png')))).toBe(false);
  });

  it('renders a channel at --size', async () => {
    const r = await run('visualize', '--model', digits, '--layer', 'conv1', '--channel', '2', '--size', '48', '--steps', '10', '--out', at('channel.png'));
    expect(r.code, r.stderr).toBe(0);
    const img = png(at('channel.png'));
    expect([img.width, img.height]).toEqual([48, 48]);
  });
});

describe('invert and dream', () => {
  it('invert reconstructs each layer side by side and reports the relative feature error falling', async () => {
    const r = await run('invert', '--model', digits, '--image', photo, '--layer', 'conv1', '--layer', 'conv2', '--size', '28', '--steps', '60', '--out', at('inv.png'), '--json', at('inv.json'));
    expect(r.code, r.stderr).toBe(0);
    const img = png(at('inv.png'));
    expect(img.height).toBeGreaterThanOrEqual(28);
    expect(img.width).toBeGreaterThanOrEqual(56);
    const out = json(at('inv.json'));
    expect(out.perLayer.map((l: { layer: string }) => l.layer)).toEqual(['conv1', 'conv2']);
    for (const l of out.perLayer) expect(l.relativeErrorEnd).toBeLessThan(0.6 * l.relativeErrorStart);
  });

  it('dream answers at the photo size, octave by octave, and the first Ctrl-C writes the dream so far', async () => {
    const r = await run('dream', '--model', digits, '--image', photo, '--layer', 'conv2', '--octaves', '3', '--steps', '2', '--jitter', '4', '--out', at('dream.png'), '--json', at('dream.json'));
    expect(r.code, r.stderr).toBe(0);
    const img = png(at('dream.png'));
    expect([img.width, img.height]).toEqual([320, 213]);
    const out = json(at('dream.json'));
    expect(out.curve).toHaveLength(6);
    expect(out.details.octaveSizes).toEqual([163, 229, 320]);
    expect(Buffer.from(img.data).equals(Buffer.from(png(photo).data))).toBe(false);

    const child = spawn(process.execPath, [cli, 'dream', '--model', digits, '--image', photo, '--layer', 'conv2', '--steps', '1000', '--out', at('stopped.png'), '--json', at('stopped.json')], { cwd: tmp, env });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Interrupt once the run has started (its cost line is printed before the first step).
      if (stdout.includes('octaves')) setTimeout(() => child.kill('SIGINT'), 1500);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const stopped = json(at('stopped.json'));
    expect(stopped.stopped).toBe(true);
    expect(stopped.curve.length).toBeGreaterThan(0);
    expect(stopped.curve.length).toBeLessThan(4000);
    expect(stopped.warnings[0]).toMatch(/^stopped after \d+ of 4000 steps/);
    expect([png(at('stopped.png')).width, png(at('stopped.png')).height]).toEqual([320, 213]);
  });
});

describe('texture and style', () => {
  it('texture writes --size WxH whatever the texture size, with each layer\'s Gram loss at start and end', async () => {
    const r = await run('texture', '--model', digits, '--image', photo, '--layer', 'conv1', '--layer', 'conv2', '--layer-weight', '1,2', '--size', '40x24', '--steps', '30', '--out', at('tex.png'), '--json', at('tex.json'));
    expect(r.code, r.stderr).toBe(0);
    expect([png(at('tex.png')).width, png(at('tex.png')).height]).toEqual([40, 24]);
    const out = json(at('tex.json'));
    expect(out.perLayer.map((l: { layer: string; weight: number }) => [l.layer, l.weight])).toEqual([['conv1', 1], ['conv2', 2]]);
    for (const l of out.perLayer) expect(l.gramLossEnd).toBeLessThan(l.gramLossStart);
    expect(out.config.options).toMatchObject({ layers: ['conv1', 'conv2'], layerWeights: '1,2', size: '40x24' });
  });

  it('style blends two --style images by --style-weight and reports content and style loss', async () => {
    const digit = (d: number) => path.join(root, `samples/digits/digit-${d}.png`);
    const r = await run('style', '--model', digits, '--content', digit(0), '--style', digit(2), '--style', digit(4), '--style-weight', '2,1', '--content-layer', 'conv2', '--style-layer', 'conv1', '--style-layer', 'conv2', '--size', '28', '--steps', '20', '--out', at('style.png'), '--json', at('style.json'));
    expect(r.code, r.stderr).toBe(0);
    const out = json(at('style.json'));
    expect(out.config.options).toMatchObject({ content: digit(0), styles: [digit(2), digit(4)], styleWeights: '2,1', styleLayers: ['conv1', 'conv2'] });
    expect(out.details.styleLossEnd).toBeLessThan(out.details.styleLossStart);
    expect(Object.keys(out.curve[0].terms)).toEqual(expect.arrayContaining(['content loss conv2', 'style 1 loss conv1', 'style 2 loss conv2', 'total variation']));
  });
});

describe('bad input: one line, exit 2', () => {
  const bad = async (r: Run, pattern: RegExp) => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  };
  it.each([
    [['visualize', '--model', digits, '--target', '10'], /target class must be 0\.\.9; got 10/],
    [['visualize', '--model', digits], /say what to visualize: --target <class>, or --layer <name> --channel <index>/],
    [['visualize', '--model', digits, '--layer', 'nope', '--channel', '0'], /no layer named 'nope'/],
    [['visualize', '--model', digits, '--layer', 'conv1', '--channel', '99'], /layer 'conv1' has channels 0\.\.\d+; got 99/],
    [['visualize', '--model', digits, '--preset', 'monet', '--target', '1'], /--preset must be one of simonyan, yosinski-1/],
    [['invert', '--model', digits, '--image', photo], /give at least one --layer|must be a list of one or more layer names/],
    [['dream', '--model', digits, '--image', photo, '--layer', 'fc1'], /has no spatial output/],
    [['style', '--model', digits, '--style', photo], /style needs --content <image>/],
    [['style', '--model', digits, '--content', photo, '--style', photo, '--style', photo, '--style-weight', '1'], /--style-weight must be 2 non-negative numbers/],
    [['texture', '--model', digits, '--image', photo, '--size', '3x3'], /--size must be S or WxH/],
  ] as const)('%j', async (args, pattern) => bad(await run(...args), pattern));

  it('a size past the memory budget says the largest that fits', async () => {
    const r = await run('visualize', '--model', path.join(root, 'models/inceptionv3/model.json'), '--layer', 'mixed4', '--channel', '0', '--size', '1024');
    await bad(r, /--size 1024×1024 needs about \d+ MiB per step, over the memory budget of 512 MiB; the largest square that fits is \d+×\d+/);
  });
});
