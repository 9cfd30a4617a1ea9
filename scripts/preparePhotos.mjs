// Makes samples/photos/ from scikit-image's bundled CC0 / public-domain photos, taken from Debian's
// python3-skimage package (extracted with dpkg -x; the Python stack is not installed).
//
//   node scripts/preparePhotos.mjs [SKIMAGE_DATA_DIR]
//
// Without an argument it runs `apt-get download python3-skimage` and `dpkg -x` in a temporary folder
// (needs `apt-get update` once). Photos are shrunk to at most 320 px on the long side by area
// averaging. The output is committed; rerun only to change the selection.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode, shrink } from './imageFiles.mjs';

const MAX_SIDE = 320;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repoRoot, 'samples', 'photos');

// Licences as stated in skimage/data/_fetchers.py (the docstring of each loader).
const PHOTOS = [
  { src: 'chelsea.png', out: 'chelsea.png', what: 'Chelsea the cat', licence: 'CC0 by the photographer (Stefan van der Walt): "No copyright restrictions."' },
  { src: 'coffee.png', out: 'coffee.jpg', what: 'A cup of coffee (courtesy of Pikolo Espresso Bar)', licence: 'CC0 by the photographer (Rachel Michetti): "No copyright restrictions."' },
  { src: 'astronaut.png', out: 'astronaut.jpg', what: 'Astronaut Eileen Collins, from the NASA Great Images database', licence: 'Public domain: "No known copyright restrictions, released into the public domain."' },
  { src: 'rocket.jpg', out: 'rocket.jpg', what: 'Launch of DSCOVR on a Falcon 9, photo by SpaceX', licence: 'Public domain: "released in the public domain" by SpaceX' },
];

function log(line) {
  console.log(`[photos] ${line}`);
}

function fetchSkimageData() {
  const dir = mkdtempSync(path.join(tmpdir(), 'skimage-'));
  execFileSync('apt-get', ['download', 'python3-skimage'], { cwd: dir, stdio: 'inherit' });
  const deb = readdirSync(dir).find((f) => f.startsWith('python3-skimage_') && f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download python3-skimage gave no .deb');
  execFileSync('dpkg', ['-x', deb, 'x'], { cwd: dir });
  return { dir, data: path.join(dir, 'x/usr/lib/python3/dist-packages/skimage/data'), deb };
}

const fetched = process.argv[2] ? undefined : fetchSkimageData();
const dataDir = process.argv[2] ?? fetched.data;
try {
  mkdirSync(outDir, { recursive: true });
  const rows = [];
  for (const p of PHOTOS) {
    const img = decode(path.join(dataDir, p.src));
    const scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
    const w = Math.round(img.width * scale);
    const h = Math.round(img.height * scale);
    const bytes = encode(p.out, scale < 1 ? shrink(img, w, h) : img);
    writeFileSync(path.join(outDir, p.out), bytes);
    log(`${p.src} ${img.width}x${img.height} → ${p.out} ${w}x${h} (${(bytes.length / 1024).toFixed(0)} KB)`);
    rows.push(`| \`${p.out}\` | ${p.what} | \`skimage/data/${p.src}\` (${img.width}x${img.height}), shrunk to ${w}x${h} | ${p.licence} |`);
  }
  const source = fetched ? `Debian package \`${fetched.deb}\`` : `skimage data folder \`${dataDir}\``;
  writeFileSync(
    path.join(outDir, 'NOTICE.md'),
    `# Sample photos

Test and demo inputs. All four come from scikit-image's bundled sample data, as shipped in the
${source} (scikit-image 0.19.3; files under
\`/usr/lib/python3/dist-packages/skimage/data/\`), and were written by \`scripts/preparePhotos.mjs\`
(area-averaged down to at most ${MAX_SIDE} px on the long side; JPEGs at quality 90).

Their licences are the ones scikit-image states for each image in \`skimage/data/_fetchers.py\`
(the docstrings of \`chelsea()\`, \`coffee()\`, \`astronaut()\` and \`rocket()\`). Only CC0 and
public-domain images were taken; the rest of scikit-image is BSD-3-Clause.

| file | what | from | licence |
| --- | --- | --- | --- |
${rows.join('\n')}
`,
  );
  log(`wrote ${PHOTOS.length} photos and NOTICE.md to ${path.relative(repoRoot, outDir)}/`);
} finally {
  if (fetched) rmSync(fetched.dir, { recursive: true, force: true });
}
