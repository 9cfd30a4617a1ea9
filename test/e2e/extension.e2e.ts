// End-to-end test of the ConvScope extension in a real VS Code (code-server + chromium):
// install the built VSIX, open a workspace with the bundled MNIST model and two digits, check the
// Model Explorer, explain a digit from the Explorer context menu (first, so the engine is cold), open the filters and activations
// panels, and save a screenshot of each. Any error banner or empty panel fails the test. Last, a
// copy of the model whose sidecar labels hold markup must show that label as plain text. Then,
// in a second VS Code with InceptionV3, the Synthesis panel (synthesisChecks.ts): a dream from the
// palette with live previews, Save, and a stopped run keeping its image.
//   run: npm run build && bash scripts/e2e/run.sh test/e2e/extension.e2e.ts
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { packageVsix, retryUntil, VsCodeHarness } from './harness';
import { synthesisChecks } from './synthesisChecks';
import { embeddingChecks } from './embeddingChecks';

const repo = resolve(process.env.CONVSCOPE_REPO ?? process.cwd());
const artifacts = join(repo, 'test-output/e2e');
const results: { name: string; ok: boolean; detail: string }[] = [];

async function check(name: string, run: () => Promise<string | void>): Promise<void> {
  const t0 = Date.now();
  try {
    const detail = (await run()) ?? '';
    results.push({ name, ok: true, detail });
    console.log(`  ✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${detail ? ` — ${detail}` : ''}`);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    results.push({ name, ok: false, detail });
    console.log(`  ✗ ${name}: ${detail}`);
  }
}

/** A class label that would run script if a panel put it into the page as HTML. */
const markupLabel = `<img src=x onerror="document.body.dataset.injected='yes'">seven`;

/** models/labels-markup: the MNIST model again, with markupLabel as the label of class 7. */
function writeMarkupLabelModel(workspace: string): void {
  const from = join(repo, 'models/mnist-cnn');
  const to = join(workspace, 'models/labels-markup');
  mkdirSync(to, { recursive: true });
  for (const f of ['model.json', 'group1-shard1of1.bin']) copyFileSync(join(from, f), join(to, f));
  const sidecar = JSON.parse(readFileSync(join(from, 'model.convscope.json'), 'utf8')) as { labels: string[] };
  sidecar.labels[7] = markupLabel;
  writeFileSync(join(to, 'model.convscope.json'), JSON.stringify(sidecar, null, 2));
}

/** A panel must show no error banner; returns its text if it does. */
async function panelError(frame: FrameLocator): Promise<string | undefined> {
  const banner = frame.locator('#error');
  if (await banner.isVisible().catch(() => false)) return (await banner.innerText().catch(() => '?')).trim() || 'error banner shown';
  return undefined;
}

async function waitForPanel(h: VsCodeHarness, what: string, ready: (frame: FrameLocator) => Promise<boolean>, timeoutMs = 120_000): Promise<FrameLocator> {
  let frame = h.webviewFrame();
  await retryUntil(what, timeoutMs, async () => {
    frame = h.webviewFrame();
    const error = await panelError(frame);
    if (error) throw new Error(`the panel shows an error: ${error}`);
    return ready(frame);
  });
  return frame;
}

/** A data: PNG that really decoded in the page (naturalWidth > 0). */
async function hasImage(frame: FrameLocator, selector: string): Promise<boolean> {
  const img = frame.locator(selector).first();
  if (!(await img.isVisible().catch(() => false))) return false;
  return img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0 && (el as HTMLImageElement).src.startsWith('data:image/'));
}

async function main(): Promise<number> {
  mkdirSync(artifacts, { recursive: true });
  const vsix = await packageVsix(repo, join(artifacts, 'convscope.vsix'));
  const workspace = mkdtempSync(join(tmpdir(), 'convscope-ws-'));
  mkdirSync(join(workspace, 'models/mnist-cnn'), { recursive: true });
  for (const f of ['model.json', 'group1-shard1of1.bin', 'model.convscope.json']) copyFileSync(join(repo, 'models/mnist-cnn', f), join(workspace, 'models/mnist-cnn', f));
  for (const d of ['digit-7.png', 'digit-2.png']) copyFileSync(join(repo, 'samples/digits', d), join(workspace, d));
  writeMarkupLabelModel(workspace);

  // Two models in the workspace: the default one is named, so plain "Explain" does not ask.
  const settings = { 'convscope.backend': 'wasm', 'convscope.defaultModel': 'models/mnist-cnn/model.json' };
  const h = await VsCodeHarness.start({ workspace, vsix, artifactsDir: artifacts, name: 'extension-e2e', settings });
  try {
    let cold = 0;
    await check('Explain with ConvScope on digit-7.png opens the saliency panel with the target class and a rendered map (cold engine)', async () => {
      // Timed from the moment the menu entry runs (the harness first waits for the extension host).
      await h.openExplorerContextMenu('digit-7.png', 'Explain with ConvScope');
      const t0 = Date.now();
      const frame = await waitForPanel(h, 'saliency panel with a result', async (f) => /7/.test(await f.locator('#target-class').innerText().catch(() => '')) && (await hasImage(f, 'img.result')));
      cold = Date.now() - t0;
      const target = (await frame.locator('#target-class').innerText()).trim();
      await h.screenshot('saliency-panel');
      return `target "${target}", ${cold} ms from command to panel`;
    });

    await check('Explaining another digit reuses the panel (warm engine)', async () => {
      await h.openExplorerContextMenu('digit-2.png', 'Explain with ConvScope');
      const t0 = Date.now();
      await waitForPanel(h, 'saliency panel for digit-2', async (f) => /2/.test(await f.locator('#target-class').innerText().catch(() => '')) && (await hasImage(f, 'img.result')));
      const warm = Date.now() - t0;
      const panels = await h.page.locator('.tab').filter({ hasText: /Saliency/ }).count();
      if (panels !== 1) throw new Error(`${panels} saliency tabs, expected the panel to be reused`);
      await h.screenshot('saliency-panel-warm');
      // Warm engine but a new panel: separates the webview's own start from the engine's.
      await h.runCommand('View: Close All Editors');
      await h.openExplorerContextMenu('digit-7.png', 'Explain with ConvScope');
      const t1 = Date.now();
      await waitForPanel(h, 'a new saliency panel for digit-7', async (f) => /7/.test(await f.locator('#target-class').innerText().catch(() => '')) && (await hasImage(f, 'img.result')));
      const fresh = Date.now() - t1;
      return `${warm} ms from command to the reused panel, ${fresh} ms to a new panel (cold engine: ${cold} ms)`;
    });

    await check('Model Explorer lists the model and its layers', async () => {
      const tree = h.treeView('ConvScope Models');
      await tree.expand(60_000);
      const model = tree.row('mnist-cnn');
      await model.waitFor({ state: 'visible', timeout: 60_000 });
      await retryUntil('layers of mnist-cnn', 90_000, async () => {
        if ((await model.getAttribute('aria-expanded')) === 'false') await model.click();
        // The list is virtualised: rows below the pane's fold are not rendered, so check the first layers.
        return (await tree.row('conv1').isVisible()) && (await tree.row('pool1').isVisible()) && (await tree.row('conv2').isVisible());
      });
      const labels = await tree.rows.locator('.label-name').allTextContents();
      await h.screenshot('model-explorer');
      return labels.join(', ');
    });

    await check('Show Filters shows the first conv layer\'s filters', async () => {
      await h.runCommand('ConvScope: Show Filters');
      await waitForPanel(h, 'filters grid', (f) => hasImage(f, 'img.filters-grid'));
      await h.screenshot('filters-panel');
    });

    await check('Show Activations shows per-channel maps for an image', async () => {
      await h.runCommand('ConvScope: Show Activations for an Image…');
      const pick = h.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'digit-7.png' }).first();
      await pick.waitFor({ state: 'visible', timeout: 30_000 });
      await pick.click();
      const frame = await waitForPanel(h, 'activation tiles', async (f) => (await f.locator('.channel-tile img').count()) > 0 && (await hasImage(f, '.channel-tile img')));
      const tiles = await frame.locator('.channel-tile img').count();
      await h.screenshot('activations-panel');
      return `${tiles} channel tiles`;
    });

    await check('Panels come back with their content after a window reload', async () => {
      // Through the command (not a bare page reload) so the workbench saves its layout first.
      await h.runCommand('Developer: Reload Window');
      await h.page.waitForEvent('load', { timeout: 60_000 });
      await h.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 90_000 });
      // The visible panel is revived by its serializer and asks the (new) engine again.
      await waitForPanel(h, 'a revived panel with content', async (f) => (await hasImage(f, 'img.result, img.filters-grid, .channel-tile img')), 120_000);
      await h.screenshot('after-reload');
      const tabs = (await h.page.locator('.tab').allInnerTexts()).map((t) => t.trim());
      for (const kind of ['Saliency', 'Filters', 'Activations']) if (!tabs.some((t) => t.startsWith(kind))) throw new Error(`no ${kind} tab after the reload; tabs: ${tabs.join(' | ')}`);
      return `tabs: ${tabs.join(' | ')}`;
    });

    await check('The status bar shows the engine backend', async () => {
      const item = h.page.locator('.statusbar-item').filter({ hasText: /ConvScope: wasm/ });
      await item.first().waitFor({ state: 'visible', timeout: 30_000 });
      return (await item.first().innerText()).trim();
    });

    await check('A class label holding markup shows as text in the saliency panel, no element injected', async () => {
      await h.openExplorerContextMenu('digit-7.png', 'Explain with ConvScope (Choose Model)…');
      const pick = h.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: 'labels-markup' }).first();
      await pick.waitFor({ state: 'visible', timeout: 30_000 });
      await pick.click();
      const frame = await waitForPanel(h, 'saliency panel with the markup label', async (f) => (await f.locator('#target-class').innerText().catch(() => '')).includes(markupLabel) && (await hasImage(f, 'img.result')));
      const target = (await frame.locator('#target-class').innerText()).trim();
      const injected = await frame.locator('img[src="x"], [onerror]').count();
      if (injected) throw new Error(`${injected} element(s) made from the label's markup`);
      if ((await frame.locator('body').getAttribute('data-injected')) !== null) throw new Error("the label's onerror handler ran");
      // The target line (the dropdown's closed options hold the label too, hidden).
      if (!(await frame.locator('#target-class').filter({ hasText: markupLabel }).isVisible())) throw new Error('the label is not visible as text');
      await h.screenshot('saliency-label-markup');
      return `target "${target}"`;
    });
  } finally {
    await h.stop();
  }
  // In a VS Code of its own: a workspace whose only model is InceptionV3.
  await synthesisChecks({ repo, artifacts, vsix, check, waitForPanel, hasImage });
  // In a third: the Embedding map of 5,000 digits (embeddingChecks.ts).
  await embeddingChecks({ repo, artifacts, vsix, check, waitForPanel, hasImage });
  const failed = results.filter((r) => !r.ok).length;
  console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`e2e failed to run: ${e instanceof Error ? e.stack : String(e)}`);
    process.exit(1);
  },
);
