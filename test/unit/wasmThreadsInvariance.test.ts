// DESIGN §6: results do not depend on the number of threads. The same CLI runs (a batched method,
// a guided gradient, folder features, a style network's forward pass) with the single-threaded
// wasm build and with the threaded build at 2 threads (CONVSCOPE_WASM_THREADS) give the same numbers:
// bit for bit where the work is not batched; within float32 summation order where it is, because
// batches are sized by time (two runs may split the 16 IG points 10 + 6 and 9 + 7; the batch
// invariance tests bound what that changes).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { beforeAll, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, `dist/.cli-threads-test-${process.pid}.js`);
const mnist = path.join(root, 'models/mnist-cnn/model.json');
const digit = path.join(root, 'samples/digits/digit-7.png');
let tmp: string;

function run(threads: number, name: string, ...args: string[]): Promise<{ json: Record<string, unknown>; stderr: string }> {
  const out = path.join(tmp, `${name}-${threads}.json`);
  return new Promise((resolve, reject) => {
    const env = { ...process.env, CONVSCOPE_BACKEND: 'wasm', CONVSCOPE_WASM_THREADS: String(threads) };
    execFile(process.execPath, [cli, ...args, '--json', out], { env, timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${name} with ${threads} thread(s): ${stderr}`));
      else resolve({ json: JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>, stderr });
    });
  });
}

beforeAll(async () => {
  await esbuild.build({ entryPoints: [path.join(root, 'src/engine/cli.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
  tmp = mkdtempSync(path.join(tmpdir(), 'convscope-threads-'));
});

type Case = { name: string; args: string[]; values: (j: Record<string, unknown>) => number[]; bitwise: boolean };
const attribution = (j: Record<string, unknown>) => (j.attribution as { data: number[] }).data;
const cases: Case[] = [
  { name: 'integrated gradients (batched)', args: ['saliency', '--model', mnist, '--image', digit, '--method', 'integrated-gradients', '--steps', '16'], values: attribution, bitwise: false },
  { name: 'guided backprop', args: ['saliency', '--model', mnist, '--image', digit, '--method', 'guided'], values: attribution, bitwise: true },
  { name: 'folder features (batched)', args: ['features', '--model', mnist, '--images', path.join(root, 'samples/digit-folder'), '--limit', '40', '--layer', 'conv3', '--no-cache'], values: (j) => (j.items as Array<{ vector: number[] }>).flatMap((i) => i.vector), bitwise: false },
];

/** ‖a − b‖ / ‖b‖ */
function relL2(a: number[], b: number[]): number {
  let d = 0;
  let n = 0;
  b.forEach((v, i) => {
    d += (a[i]! - v) ** 2;
    n += v * v;
  });
  return Math.sqrt(d / n);
}

for (const { name, args, values, bitwise } of cases) {
  it(`${name}: the same numbers with 1 and 2 threads`, async () => {
    const one = await run(1, name.split(' ')[0]!, ...args);
    const two = await run(2, name.split(' ')[0]!, ...args);
    const [a, b] = [values(two.json), values(one.json)];
    expect(a).toHaveLength(b.length);
    if (bitwise) expect(a).toEqual(b);
    else expect(relL2(a, b)).toBeLessThan(1e-6);
    // The threaded run really was threaded (else this compares a build with itself).
    expect(two.json.backendPackage).toContain('(threaded)');
    expect(one.json.backendPackage).not.toContain('(threaded)');
  }, 120_000);
}
