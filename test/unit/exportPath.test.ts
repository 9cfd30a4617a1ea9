import { afterEach, beforeEach, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { numberedStem, writeExportExclusive } from '../../src/extension/exportPath';

let dir: string;
const bytes = (s: string) => Buffer.from(s);
const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'convscope-export-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('numbers names from the second on', () => {
  expect([1, 2, 3, 12].map((n) => numberedStem('digit-smoothgrad', n))).toEqual(['digit-smoothgrad', 'digit-smoothgrad-2', 'digit-smoothgrad-3', 'digit-smoothgrad-12']);
});

it('never replaces an earlier export of the same name', async () => {
  const first = await writeExportExclusive(dir, 'cat-vanilla', 'png', bytes('first'));
  const second = await writeExportExclusive(dir, 'cat-vanilla', 'png', bytes('second'));
  const third = await writeExportExclusive(dir, 'cat-vanilla', 'png', bytes('third'));
  expect([first, second, third].map((w) => path.basename(w.file))).toEqual(['cat-vanilla.png', 'cat-vanilla-2.png', 'cat-vanilla-3.png']);
  expect([read('cat-vanilla.png'), read('cat-vanilla-2.png'), read('cat-vanilla-3.png')]).toEqual(['first', 'second', 'third']);
});

it('puts the PNG and JSON of one export under one suffix', async () => {
  const png1 = await writeExportExclusive(dir, 'cat-gradcam', 'png', bytes('png 1'));
  const json1 = await writeExportExclusive(dir, 'cat-gradcam', 'json', bytes('json 1'), png1.stem);
  // A later export, JSON first: the numbered name is free in both formats.
  const json2 = await writeExportExclusive(dir, 'cat-gradcam', 'json', bytes('json 2'));
  const png2 = await writeExportExclusive(dir, 'cat-gradcam', 'png', bytes('png 2'), json2.stem);
  expect([png1, json1, json2, png2].map((w) => path.basename(w.file))).toEqual(['cat-gradcam.png', 'cat-gradcam.json', 'cat-gradcam-2.json', 'cat-gradcam-2.png']);
  expect(readdirSync(dir).sort()).toEqual(['cat-gradcam-2.json', 'cat-gradcam-2.png', 'cat-gradcam.json', 'cat-gradcam.png']);
});

it('does not pair a new export with the half of an older one', async () => {
  writeFileSync(path.join(dir, 'cat-guided.png'), 'older PNG, exported alone');
  const json = await writeExportExclusive(dir, 'cat-guided', 'json', bytes('new json'));
  expect(path.basename(json.file)).toBe('cat-guided-2.json');
  expect(existsSync(path.join(dir, 'cat-guided.json'))).toBe(false);
  expect(read('cat-guided.png')).toBe('older PNG, exported alone');
});

it('moves on to a new suffix when the pair name is taken in this format (the same result exported twice)', async () => {
  const png = await writeExportExclusive(dir, 'cat-occlusion', 'png', bytes('50% opacity'));
  const again = await writeExportExclusive(dir, 'cat-occlusion', 'png', bytes('80% opacity'), png.stem);
  expect(path.basename(again.file)).toBe('cat-occlusion-2.png');
  expect(again.stem).toBe('cat-occlusion-2');
  expect(read('cat-occlusion.png')).toBe('50% opacity');
});

it('gives exports racing for one name a file each', async () => {
  const written = await Promise.all(Array.from({ length: 12 }, (_, i) => writeExportExclusive(dir, 'cat-smoothgrad', 'png', bytes(`export ${i}`))));
  const names = written.map((w) => path.basename(w.file));
  expect(new Set(names).size).toBe(12);
  expect(readdirSync(dir)).toHaveLength(12);
  written.forEach((w, i) => expect(readFileSync(w.file, 'utf8')).toBe(`export ${i}`));
  expect(names.sort()).toEqual(['cat-smoothgrad.png', ...Array.from({ length: 11 }, (_, i) => `cat-smoothgrad-${i + 2}.png`)].sort());
});

it('does not write through a link left in the exports folder', async () => {
  const outside = path.join(dir, 'outside.txt');
  symlinkSync(outside, path.join(dir, 'cat-deconvnet.png'));
  const w = await writeExportExclusive(dir, 'cat-deconvnet', 'png', bytes('png'));
  expect(path.basename(w.file)).toBe('cat-deconvnet-2.png');
  expect(existsSync(outside)).toBe(false);
});

it('reports a folder it cannot write to, leaving nothing behind', async () => {
  const missing = path.join(dir, 'no-such-folder');
  await expect(writeExportExclusive(missing, 'cat-vanilla', 'png', bytes('png'))).rejects.toThrow(/ENOENT/);
  expect(readdirSync(dir)).toEqual([]);
});
