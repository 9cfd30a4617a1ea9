// Makes samples/styles/ (style images for texture and style transfer) from two Debian packages:
// - darknet ships Edvard Munch's "The Scream" (1893, public domain) as data/scream.jpg;
// - opencv-doc ships Vincent van Gogh's "The Starry Night" (1889, public domain) as OpenCV's
//   sample image examples/data/starry_night.jpg.
//
//   node scripts/prepareStyles.mjs [DARKNET_DATA_DIR OPENCV_DOC_DATA_DIR]
//
// Without arguments it runs `apt-get download <package>` and `dpkg -x` in a temporary folder
// (opencv-doc is about 100 MB). Shrunk to at most 320 px on the long side by area averaging. The
// output is committed; rerun only to change the selection.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode, shrink } from './imageFiles.mjs';

const MAX_SIDE = 320;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repoRoot, 'samples', 'styles');

/** Downloads and unpacks one Debian package; `data` is its folder `dataPath` once unpacked. */
function fetchDebData(pkg, dataPath) {
  const dir = mkdtempSync(path.join(tmpdir(), `${pkg}-`));
  execFileSync('apt-get', ['download', pkg], { cwd: dir, stdio: 'inherit' });
  const deb = readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${pkg} gave no .deb`);
  execFileSync('dpkg', ['-x', deb, 'x'], { cwd: dir });
  return { dir, data: path.join(dir, 'x', dataPath), deb };
}

const sources = [
  {
    pkg: 'darknet',
    dataPath: 'usr/share/darknet/data',
    file: 'scream.jpg',
    out: 'scream.jpg',
    what: 'Edvard Munch, *The Scream* (1893, tempera and pastel on cardboard)',
    licence:
      "The painting is in the public domain (Munch died in 1944; published before 1927). The file is a plain reproduction shipped as darknet's sample data.",
  },
  {
    pkg: 'opencv-doc',
    dataPath: 'usr/share/doc/opencv-doc/examples/data',
    file: 'starry_night.jpg',
    out: 'starry-night.jpg',
    what: 'Vincent van Gogh, *The Starry Night* (1889, oil on canvas)',
    licence:
      "The painting is in the public domain (van Gogh died in 1890; published before 1927). The file is a plain photographic reproduction (no new copyright in a faithful reproduction of a two-dimensional public-domain work) shipped as one of OpenCV's sample images (`samples/data/`); Debian's copyright file puts it under the package's `Files: *` (Apache-2.0 AND BSD-3-Clause).",
  },
];

const fetched = [];
try {
  mkdirSync(outDir, { recursive: true });
  const rows = [];
  for (const [i, s] of sources.entries()) {
    const f = process.argv[2 + i] ? undefined : fetchDebData(s.pkg, s.dataPath);
    if (f) fetched.push(f);
    const dataDir = process.argv[2 + i] ?? f.data;
    const img = decode(path.join(dataDir, s.file));
    const scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
    const w = Math.round(img.width * scale);
    const h = Math.round(img.height * scale);
    writeFileSync(path.join(outDir, s.out), encode(s.out, scale < 1 ? shrink(img, w, h) : img));
    const source = f ? `Debian package \`${f.deb}\`` : `${s.pkg} data folder \`${dataDir}\``;
    const inPkg = f ? `\`/${s.dataPath}/${s.file}\`` : `\`${s.file}\``;
    rows.push(
      `| \`${s.out}\` | ${s.what} | ${inPkg} (${img.width}x${img.height}) of the ${source}, shrunk to ${w}x${h} by \`scripts/prepareStyles.mjs\` | ${s.licence} |`,
    );
    console.log(`[styles] ${s.out} ${img.width}x${img.height} → ${w}x${h}`);
  }
  writeFileSync(
    path.join(outDir, 'NOTICE.md'),
    `# Style images

| file | what | from | licence |
| --- | --- | --- | --- |
${rows.join('\n')}
`,
  );
  console.log(`[styles] wrote ${path.relative(repoRoot, outDir)}/`);
} finally {
  for (const f of fetched) rmSync(f.dir, { recursive: true, force: true });
}
