// Makes samples/styles/ (style images for texture and style transfer) from Debian's darknet
// package, which ships Edvard Munch's "The Scream" (1893, public domain) as data/scream.jpg.
//
//   node scripts/prepareStyles.mjs [DARKNET_DATA_DIR]
//
// Without an argument it runs `apt-get download darknet` and `dpkg -x` in a temporary folder.
// Shrunk to at most 320 px on the long side by area averaging. The output is committed; rerun
// only to change the selection.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode, shrink } from './imageFiles.mjs';

const MAX_SIDE = 320;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repoRoot, 'samples', 'styles');

function fetchDarknetData() {
  const dir = mkdtempSync(path.join(tmpdir(), 'darknet-'));
  execFileSync('apt-get', ['download', 'darknet'], { cwd: dir, stdio: 'inherit' });
  const deb = readdirSync(dir).find((f) => f.startsWith('darknet_') && f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download darknet gave no .deb');
  execFileSync('dpkg', ['-x', deb, 'x'], { cwd: dir });
  return { dir, data: path.join(dir, 'x/usr/share/darknet/data'), deb };
}

const fetched = process.argv[2] ? undefined : fetchDarknetData();
const dataDir = process.argv[2] ?? fetched.data;
try {
  mkdirSync(outDir, { recursive: true });
  const img = decode(path.join(dataDir, 'scream.jpg'));
  const scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
  const w = Math.round(img.width * scale);
  const h = Math.round(img.height * scale);
  writeFileSync(path.join(outDir, 'scream.jpg'), encode('scream.jpg', scale < 1 ? shrink(img, w, h) : img));
  const source = fetched ? `Debian package \`${fetched.deb}\`` : `darknet data folder \`${dataDir}\``;
  writeFileSync(
    path.join(outDir, 'NOTICE.md'),
    `# Style images

| file | what | from | licence |
| --- | --- | --- | --- |
| \`scream.jpg\` | Edvard Munch, *The Scream* (1893, tempera and pastel on cardboard) | \`data/scream.jpg\` (${img.width}x${img.height}) of the ${source}, shrunk to ${w}x${h} by \`scripts/prepareStyles.mjs\` | The painting is in the public domain (Munch died in 1944; published before 1927). The file is a plain reproduction shipped as darknet's sample data. |
`,
  );
  console.log(`[styles] scream.jpg ${img.width}x${img.height} → ${w}x${h}; wrote ${path.relative(repoRoot, outDir)}/`);
} finally {
  if (fetched) rmSync(fetched.dir, { recursive: true, force: true });
}
