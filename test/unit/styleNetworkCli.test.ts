// style-train and style-apply as users run them (dist CLI, wasm): a network trained into a folder,
// its loss curve in the JSON, applied to a photo at another size; Ctrl-C stops training and keeps
// a checkpoint that --resume continues; bad input gets one clear line and exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as esbuild from 'esbuild';
import { smallReluCnn } from './support/tinyModels';
import { useWasm } from './support/backend';

const root = path.resolve(__dirname, '../..');
// Our own build (see cliErrors.test.ts): dist/cli.js may be rewritten by other test files meanwhile.
const cli = path.join(root, `dist/.cli-style-network-test-${process.pid}.js`);
const photos = path.join(root, 'samples/photos');
const scream = path.join(root, 'samples/styles/scream.jpg');
const env = { ...process.env, CONVSCOPE_DEBUG: '', CONVSCOPE_BACKEND: 'wasm' };
let tmp: string;
let featureModel: string;
const at = (name: string) => path.join(tmp, name);
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const tinyTraining = ['--size', '32', '--batch', '1', '--net-width', '4', '--residual-blocks', '1', '--content-layer', 'c2', '--style-layer', 'c1', '--style-layer', 'c2'];

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: tmp, env, timeout: 120_000 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

beforeAll(async () => {
  await esbuild.build({ entryPoints: [path.join(root, 'src/engine/cli.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  tmp = mkdtempSync(path.join(tmpdir(), 'convscope-style-cli-'));
  await useWasm();
  const small = await smallReluCnn();
  featureModel = small.model.file;
  small.input.dispose();
  small.model.dispose();
});
afterAll(() => {
  rmSync(cli, { force: true });
  rmSync(tmp, { recursive: true, force: true });
});

describe('style-train and style-apply', () => {
  it('trains a network into a folder with its curve in the JSON, and style-apply stylizes a photo at any size', async () => {
    const r = await run('style-train', '--model', featureModel, '--style', scream, '--content-dir', photos, '--out-model', at('net'), '--steps', '6', ...tinyTraining, '--json', at('train.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^style-train: 6 steps × batch 1 at 32²/);
    expect(r.stdout).toMatch(/style-train: 6 of 6 steps in \d+ s → /);
    const train = json(at('train.json'));
    expect(train.curve).toHaveLength(6);
    expect(train.curve[5]).toMatchObject({ step: 6 });
    expect(Object.keys(train.curve[0]).sort()).toEqual(['content', 'seconds', 'step', 'style', 'total', 'tv']);
    expect(train.styleNetwork).toMatchObject({ style: 'scream.jpg', stepsDone: 6, size: 32, contentLayer: 'c2', styleLayers: ['c1', 'c2'] });
    for (const file of ['model.json', 'group1-shard1of1.bin', 'model.convscope.json', 'training-state.json', 'adam-moments.bin']) expect(existsSync(at(`net/${file}`)), file).toBe(true);
    const a = await run('style-apply', '--model', at('net/model.json'), '--image', path.join(photos, 'chelsea.png'), '--size', '40', '--out', at('styled.png'), '--json', at('styled.json'));
    expect(a.code, a.stderr).toBe(0);
    const image = PNG.sync.read(readFileSync(at('styled.png')));
    // chelsea.png is 451 × 300: 40 × 26.6, each side rounded to a multiple of 4 (at least 8).
    expect([image.width, image.height]).toEqual([40, 28]);
    expect(json(at('styled.json'))).toMatchObject({ width: 40, height: 28, styleNetwork: { stepsDone: 6 } });
  });

  it('the first Ctrl-C stops training after the step and writes a checkpoint; --resume continues it to the end', async () => {
    const out = at('stopped');
    const child = spawn(process.execPath, [cli, 'style-train', '--model', featureModel, '--style', scream, '--content-dir', photos, '--out-model', out, '--steps', '500', '--checkpoint-every', '1', ...tinyTraining, '--json', at('stopped.json')], { cwd: tmp, env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Once the first checkpoint is on disk, training is under way.
    while (!existsSync(path.join(out, 'training-state.json'))) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('stopping after this step');
    const stopped = json(at('stopped.json'));
    expect(stopped.stopped).toBe(true);
    expect(stopped.stepsDone).toBeLessThan(500);
    expect(json(path.join(out, 'model.convscope.json')).styleNetwork.stepsDone).toBe(stopped.stepsDone);
    const resumed = await run('style-train', '--model', featureModel, '--style', scream, '--content-dir', photos, '--out-model', out, '--steps', String(stopped.stepsDone + 2), '--checkpoint-every', '1', ...tinyTraining, '--resume', '--json', at('resumed.json'));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(json(at('resumed.json'))).toMatchObject({ resumedFrom: stopped.stepsDone, stepsDone: stopped.stepsDone + 2, stopped: false });
  });

  it('bad input: one clear line and exit 2', async () => {
    writeFileSync(at('broken.jpg'), 'not a jpeg');
    const cases: [string[], RegExp][] = [
      [['style-apply', '--model', featureModel, '--image', path.join(photos, 'chelsea.png')], /: not a style network: no model\.convscope\.json beside it/],
      [['style-train', '--model', featureModel, '--style', scream, '--style', scream, '--content-dir', photos, '--out-model', at('x')], /exactly one --style/],
      [['style-train', '--model', featureModel, '--style', scream, '--out-model', at('x')], /--content-dir is required/],
      [['style-train', '--model', featureModel, '--style', at('broken.jpg'), '--content-dir', photos, '--out-model', at('y'), ...tinyTraining], /broken\.jpg/],
      [['style-train', '--model', featureModel, '--style', scream, '--content-dir', photos, '--out-model', at('z'), ...tinyTraining, '--style-layer', 'logits'], /'logits' has no spatial output/],
      [['style-train', '--model', featureModel, '--style', scream, '--content-dir', photos, '--out-model', at('net'), ...tinyTraining], /not empty \(it holds a checkpoint: add --resume/],
      [['style-apply', '--model', at('net/model.json'), '--image', at('broken.jpg')], /broken\.jpg/],
      [['style-train', '--model', featureModel, '--style', scream, '--content-dir', photos, '--out-model', at('w'), '--out', at('w.png')], /style-train has no image to write with --out/],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
