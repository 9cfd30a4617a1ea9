import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { referenceFile } from './support/reference';
import type { MalformedCase } from '../fixtures/malformed/malformedCase';
import { writeMalformedModels } from '../fixtures/malformed/malformedModels';
import { writeMalformedImages } from '../fixtures/malformed/malformedImages';

// Malformed models, weights, images and labels through the built CLI, as users run it: each must
// end with exit 2 and ONE stderr line naming the file and the problem, within 20 s and 400 MB
// peak RSS (several fixtures claim gigabytes, some are sparse multi-GiB files).

const root = path.resolve(__dirname, '../..');
// Our own build (see cliErrors.test.ts: dist/cli.js may be rewritten while we spawn it).
const cli = path.join(root, `dist/.cli-malformed-${process.pid}.js`);
const MAX_SECONDS = 20;
const MAX_RSS_MB = 400;
// Fixtures are written while the file is collected (all synchronous), so each case is its own test.
const tmp = mkdtempSync(path.join(tmpdir(), 'convscope-malformed-'));
const preload = path.join(tmp, 'record-rss.cjs');
writeFileSync(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.CONVSCOPE_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
const model = referenceFile('model_a/model/model.json');
const cases: MalformedCase[] = [...writeMalformedModels(path.join(tmp, 'models'), model, referenceFile('model_a/radial_bar/input.png')), ...writeMalformedImages(tmp, model)];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  rssMb: number;
}

/** Runs the CLI; a preloaded hook records the process's peak RSS on exit (no /usr/bin/time needed). */
function run(args: string[], rssFile: string): Promise<Run> {
  const env = { ...process.env, CONVSCOPE_DEBUG: '', CONVSCOPE_BACKEND: process.env.CONVSCOPE_BACKEND ?? 'wasm', CONVSCOPE_RSS_FILE: rssFile };
  const start = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, ['--require', preload, cli, ...args], { cwd: tmp, env, timeout: 60_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      let rssKb = Number.NaN;
      try {
        rssKb = Number(readFileSync(rssFile, 'utf8'));
      } catch {
        // No file: the process died before its exit hook; the RSS check below reports it.
      }
      resolve({ code, stdout, stderr, seconds: (Date.now() - start) / 1000, rssMb: rssKb / 1024 });
    });
  });
}

beforeAll(async () => {
  await esbuild.build({ entryPoints: [path.join(root, 'src/engine/cli.ts')], outfile: cli, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
}, 120_000);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(cli, { force: true });
});

describe('malformed inputs: exit 2, one line naming the file, in bounded time and memory', () => {
  it.each(cases.map((c, i) => ({ ...c, i })))('$name', async (c) => {
    const r = await run(c.args, path.join(tmp, `rss-${c.i}`));
    const report = `${c.name}: exit ${r.code}, ${r.seconds.toFixed(1)} s, ${r.rssMb.toFixed(0)} MB peak RSS\n${r.stderr}`;
    console.log(report.split('\n')[0]);
    expect(r.code, report).toBe(2);
    expect(r.stdout, report).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, report).toHaveLength(1);
    const line = lines[0]!;
    expect(line.startsWith('convscope: '), report).toBe(true);
    expect(line, report).not.toMatch(/internal error|\bat .*\.(js|ts):\d+|Error:|TypeError|undefined/);
    expect(line, report).toContain(c.names);
    expect(line, report).toMatch(c.says);
    if (c.mustNotContain) expect(line, report).not.toContain(c.mustNotContain);
    expect(r.seconds, report).toBeLessThan(MAX_SECONDS);
    expect(r.rssMb, report).toBeLessThan(MAX_RSS_MB);
  }, 60_000);
});
