// End-to-end checks of the Embedding map panel, in their own VS Code: a workspace with the MNIST
// model (the only one, so no model question) and samples/digit-folder (1,500 digits in 0/ … 9/)
// copied four times over (6,000 files: each digit also as -b, -c, -d, so a map can have the 5,000
// points the panel must stay smooth with; copies land on their original's spot). "Show Embedding
// Map…" on the folder in the Explorer, Limit 5000, a PCA run: 5,000 points drawn and a legend of
// 10 labels; the legend hides a label; hovering a point shows its thumbnail (a file of the folder,
// loaded through the webview's resource roots) and its name; wheel zoom, drag pan and double-click
// fit change the axes; the pan probe's frame times are recorded. Screenshots go to test-output/e2e/.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { retryUntil, VsCodeHarness } from './harness';
import type { SynthesisCheckTools } from './synthesisChecks';
import { runEnabled } from './synthesisPanelHelpers';

const folderName = 'digits';

function workspaceWithDigits(repo: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'convscope-ws-embed-'));
  const model = join(workspace, 'models/mnist-cnn');
  mkdirSync(model, { recursive: true });
  for (const f of ['model.json', 'group1-shard1of1.bin', 'model.convscope.json']) copyFileSync(join(repo, 'models/mnist-cnn', f), join(model, f));
  const from = join(repo, 'samples/digit-folder');
  for (const label of readdirSync(from, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    mkdirSync(join(workspace, folderName, label), { recursive: true });
    for (const file of readdirSync(join(from, label))) {
      const stem = file.replace(/\.png$/, '');
      for (const suffix of ['', '-b', '-c', '-d']) copyFileSync(join(from, label, file), join(workspace, folderName, label, `${stem}${suffix}.png`));
    }
  }
  return workspace;
}

const points = 5000;

/** The axes' ranges on show: x min, x max, y min, y max (the canvas's data-view). */
async function shownView(f: FrameLocator): Promise<number[]> {
  return ((await f.locator('#embed-canvas').getAttribute('data-view', { timeout: 1_000 }).catch(() => '')) ?? '').split(',').map(Number);
}

const pointCount = async (f: FrameLocator) => Number(await f.locator('#embed-chart').getAttribute('data-points', { timeout: 1_000 }).catch(() => '0'));

/** Moves the mouse over the map, centre first, until the thumbnail tooltip shows; returns its file name and where (in the canvas). */
async function hoverSomePoint(f: FrameLocator): Promise<{ name: string; spot: { x: number; y: number } } | undefined> {
  const canvas = f.locator('#embed-canvas');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('the map has no size');
  const spots: { x: number; y: number }[] = [];
  for (let r = 0; r <= 12; r++) for (let a = 0; a < Math.max(1, r * 6); a++) spots.push({ x: box.width / 2 + r * 14 * Math.cos((2 * Math.PI * a) / Math.max(1, r * 6)), y: box.height / 2 + r * 10 * Math.sin((2 * Math.PI * a) / Math.max(1, r * 6)) });
  for (const spot of spots) {
    if (spot.x < 40 || spot.y < 10 || spot.x > box.width - 10 || spot.y > box.height - 30) continue;
    await canvas.hover({ position: spot, force: true });
    if (await f.locator('#embed-thumb').isVisible().catch(() => false)) return { name: (await f.locator('#embed-thumb-name').innerText()).trim(), spot };
  }
  return undefined;
}

export async function embeddingChecks(t: SynthesisCheckTools): Promise<void> {
  if (!existsSync(join(t.repo, 'samples/digit-folder/0'))) {
    await t.check('Embedding map (needs samples/digit-folder: run npm run models)', async () => {
      throw new Error('samples/digit-folder is missing');
    });
    return;
  }
  const workspace = workspaceWithDigits(t.repo);
  const h = await VsCodeHarness.start({ workspace, vsix: t.vsix, artifactsDir: t.artifacts, name: 'embedding-e2e', settings: { 'convscope.backend': 'wasm' } });
  try {
    let frame: FrameLocator | undefined;
    let hovered: { name: string; spot: { x: number; y: number } } | undefined;
    await t.check('Show Embedding Map… on the digits folder opens the panel on it; Limit 5000 samples 5000 of its 6000 images', async () => {
      await h.openExplorerContextMenu(folderName, 'Show Embedding Map…');
      frame = await t.waitForPanel(h, 'embedding panel ready to run', async (f) => (await runEnabled(f)) && /^6000 images/.test(await f.locator('#plan').innerText().catch(() => '')), 180_000);
      const folder = (await frame.locator('#folder-path').innerText()).trim();
      if (folder !== folderName) throw new Error(`folder "${folder}", expected ${folderName}`);
      await frame.locator('#limit').fill(String(points));
      await retryUntil('the cost of the sample', 30_000, async () => /^5000 of 6000 images/.test(await frame!.locator('#plan').innerText()));
      return (await frame.locator('#plan').innerText()).trim();
    });

    await t.check('A PCA map of 5000 digits: every point drawn, a legend of 10 labels, the explained variance', async () => {
      const f = frame!;
      const t0 = Date.now();
      await f.locator('#run').click();
      await retryUntil('the map', 300_000, async () => (await pointCount(f)) === points);
      const ms = Date.now() - t0;
      const labels = (await f.locator('.embed-legend-item .embed-legend-label').allInnerTexts()).map((s) => s.trim());
      if (labels.join(',') !== '0,1,2,3,4,5,6,7,8,9') throw new Error(`legend ${JSON.stringify(labels)}`);
      const variance = (await f.locator('#embed-variance').innerText()).trim();
      if (!/^Explained variance: x \d/.test(variance)) throw new Error(`variance line "${variance}"`);
      await h.screenshot('embedding-pca');
      return `${ms} ms from Run to the map; ${(await f.locator('#embed-status').innerText()).trim()}; ${variance}`;
    });

    await t.check('A click on a legend entry hides that label and a second click shows it again', async () => {
      const f = frame!;
      const item = f.locator('.embed-legend-item[data-label="3"]');
      const count = Number((await item.locator('.embed-legend-count').innerText()).trim());
      await item.click();
      await retryUntil('label 3 hidden', 10_000, async () => (await pointCount(f)) === points - count);
      await h.screenshot('embedding-label-hidden');
      await item.click();
      await retryUntil('label 3 shown', 10_000, async () => (await pointCount(f)) === points);
      return `label 3: ${count} points`;
    });

    await t.check('Hovering a point shows its thumbnail (an image of the folder) and file name', async () => {
      const f = frame!;
      hovered = await hoverSomePoint(f);
      if (!hovered) throw new Error('no thumbnail showed while hovering the map');
      const name = hovered.name;
      await retryUntil('the thumbnail decoded', 10_000, async () => f.locator('.embed-thumb-image').evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0));
      const size = await f.locator('.embed-thumb-image').evaluate((el) => `${(el as HTMLImageElement).naturalWidth}×${(el as HTMLImageElement).naturalHeight}`);
      if (!/^\d\/[\w.-]+\.png · \d$/.test(name)) throw new Error(`tooltip text "${name}"`);
      await h.screenshot('embedding-hover', { keepMouse: true });
      return `"${name}", image ${size}`;
    });

    await t.check('Wheel zooms in about the cursor, a drag pans, a double-click fits the view again', async () => {
      const f = frame!;
      const canvas = f.locator('#embed-canvas');
      const box = (await canvas.boundingBox())!;
      const fitted = await shownView(f);
      await h.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await h.page.mouse.wheel(0, -400);
      await retryUntil('zoomed in', 10_000, async () => {
        const v = await shownView(f);
        return v[1]! - v[0]! < 0.9 * (fitted[1]! - fitted[0]!);
      });
      const zoomed = await shownView(f);
      await h.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await h.page.mouse.down();
      await h.page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 6 });
      await h.page.mouse.up();
      await retryUntil('panned', 10_000, async () => (await shownView(f))[0]! < zoomed[0]! - 1e-6);
      const panned = await shownView(f);
      await h.screenshot('embedding-zoomed-panned');
      await canvas.dblclick({ position: { x: 60, y: 40 }, force: true });
      let last: number[] = [];
      await retryUntil('fitted again', 10_000, async () => (last = await shownView(f)).every((v, i) => Math.abs(v - fitted[i]!) < 1e-3 * Math.abs(fitted[1]! - fitted[0]!))).catch((e: Error) => {
        throw new Error(`${e.message}: view ${last.join(',')}, fitted ${fitted.join(',')}`);
      });
      const width = (v: number[]) => (v[1]! - v[0]!).toFixed(1);
      return `x range ${width(fitted)} → zoomed ${width(zoomed)}; pan moved x by ${(zoomed[0]! - panned[0]!).toFixed(2)}`;
    });

    await t.check('Panning the 5000-point map: frame times of a 2 s programmatic pan', async () => {
      const f = frame!;
      await f.locator('#measure-pan').click();
      await retryUntil('the pan report', 30_000, async () => (await f.locator('#pan-stats').getAttribute('data-median')) !== null);
      const stats = (await f.locator('#pan-stats').innerText()).trim();
      await h.screenshot('embedding-after-pan');
      return stats;
    });

    await t.check('A click on a point opens Find Similar Images on that image (the Neighbours panel)', async () => {
      const f = frame!;
      if (!hovered) throw new Error('no point was found to click');
      await f.locator('#embed-canvas').click({ position: hovered.spot, force: true });
      const tab = h.page.locator('.tab').filter({ hasText: /^Neighbours/ });
      await retryUntil('a Neighbours tab', 60_000, async () => (await tab.count()) > 0);
      // The Neighbours panel (another panel's page) names the clicked image as its query.
      const file = hovered.name.replace(/ · .*$/, '').split('/').pop()!;
      await retryUntil(`the Neighbours panel on ${file}`, 120_000, async () => (await h.webviewFrame().locator('#query-name').innerText({ timeout: 1_000 }).catch(() => '')).includes(file));
      await h.screenshot('embedding-find-similar');
      return `clicked ${hovered.name}; tabs: ${(await h.page.locator('.tab').allInnerTexts()).map((x) => x.trim()).join(' | ')}`;
    });
  } finally {
    await h.stop();
  }
}
