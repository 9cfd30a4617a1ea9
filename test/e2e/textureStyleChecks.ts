// End-to-end checks of texture synthesis and style transfer in the Synthesis panel (run after
// synthesisChecks.ts's, in the same VS Code with InceptionV3, the photo and scream.jpg):
// "Synthesize Texture…" on the photo, a short run whose preview changes and ends on the texture;
// "Stylize Image…" from the palette with the shipped scream style network (models/style-scream in
// the VSIX): the stylized photo at once, beside the photo; "Stylize with ConvScope" on the photo in
// the Explorer → "Optimize with a style image…", scream.jpg picked as the style, the content and
// style controls filled in, a short run whose preview changes, shown beside its content and style.
import type { FrameLocator } from 'playwright-core';
import { retryUntil, type VsCodeHarness } from './harness';
import { dropdownValue, imageHash, runEnabled, setOption, setText } from './synthesisPanelHelpers';
import { sleep } from './wait';

interface Tools {
  check(name: string, run: () => Promise<string | void>): Promise<void>;
  waitForPanel(h: VsCodeHarness, what: string, ready: (frame: FrameLocator) => Promise<boolean>, timeoutMs?: number): Promise<FrameLocator>;
  hasImage(frame: FrameLocator, selector: string): Promise<boolean>;
}

const styleImage = 'scream.jpg';

/** Clicks the open quick pick's row that holds every one of `texts`. */
async function pickRow(h: VsCodeHarness, ...texts: string[]): Promise<void> {
  let row = h.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  for (const text of texts) row = row.filter({ hasText: text });
  await row.first().waitFor({ state: 'visible', timeout: 30_000 });
  await row.first().click();
}

/** Waits for the run's end, counting the distinct preview images on the way. */
async function runToEnd(f: FrameLocator, timeoutMs: number): Promise<{ seen: number; previews: number; status: string }> {
  const before = await imageHash(f);
  const statusText = async () => (await f.locator('#synth-status').innerText().catch(() => '')).trim();
  const earlier = await statusText();
  await f.locator('#run').click();
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  // The panel may still show an earlier run's "Done:" line for a moment after the click: a run of
  // its own has begun once the status line has changed.
  let started = false;
  for (;;) {
    const status = await statusText();
    if (status !== earlier) started = true;
    if (started && /^Done:/.test(status)) return { seen: seen.size, previews: Number(await f.locator('#synth-image').getAttribute('data-previews')), status };
    const hash = await imageHash(f);
    if (hash && hash !== before) seen.add(hash);
    if (Date.now() > deadline) throw new Error(`no final image after ${timeoutMs / 1000} s; status "${status}"`);
    await sleep(100);
  }
}

export async function textureStyleChecks(t: Tools, h: VsCodeHarness, photo: string): Promise<void> {
  await t.check('Synthesize Texture… on the photo: a short run, the preview changes, the texture shows at the asked size', async () => {
    await h.runCommand('ConvScope: Synthesize Texture…');
    const pick = h.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: photo }).first();
    await pick.waitFor({ state: 'visible', timeout: 30_000 });
    await pick.click();
    const f = await t.waitForPanel(h, 'the synthesis panel on texture', async (p) => (await dropdownValue(p, '#method')) === 'texture' && (await runEnabled(p)), 120_000);
    await setText(f, 'texture', 'size', '128');
    await setOption(f, 'texture', 'steps', 30);
    await retryUntil('cost of 30 steps', 30_000, async () => /30 steps/.test(await f.locator('#plan').innerText()));
    const { seen, previews, status } = await runToEnd(f, 180_000);
    if (seen < 2 || previews < 2) throw new Error(`the image changed ${seen} time(s) during the run (${previews} previews); expected at least 2`);
    if (!(await t.hasImage(f, '#synth-image'))) throw new Error('the texture did not decode');
    const width = await f.locator('#synth-image').evaluate((el) => (el as HTMLImageElement).naturalWidth);
    if (width !== 128) throw new Error(`texture ${width} px wide, expected 128`);
    await h.screenshot('synthesis-texture');
    return `${seen} distinct previews; ${status}`;
  });

  await t.check('Stylize Image… from the palette with a shipped style network: the photo through it shows at once, beside the photo', async () => {
    await h.runCommand('ConvScope: Stylize Image…');
    await pickRow(h, 'shipped with ConvScope', styleImage);
    await pickRow(h, photo);
    const f = await t.waitForPanel(h, 'the style network panel with its result', async (p) => (await dropdownValue(p, '#method')) === 'fast-style' && /^Done: one forward pass/.test(await p.locator('#synth-status').innerText().catch(() => '')), 120_000);
    if (!(await t.hasImage(f, '#synth-image'))) throw new Error('the stylized image did not decode');
    const thumbs = f.locator('#synth-sources img.source-thumb');
    if ((await thumbs.count()) !== 1 || !(await thumbs.first().evaluate((el) => (el as HTMLImageElement).naturalWidth > 0))) throw new Error('the photo is not shown beside the stylized image');
    const status = (await f.locator('#synth-status').innerText()).trim();
    await h.screenshot('synthesis-fast-style');
    // Closed, so the next check finds the InceptionV3 panel as the visible webview.
    await h.runCommand('View: Close Editor').catch(() => undefined);
    return status;
  });

  await t.check('Stylize with ConvScope on the photo → Optimize with a style image…: the style image picked, content and style filled in, a short run whose preview changes, shown beside them', async () => {
    await h.openExplorerContextMenu(photo, 'Stylize with ConvScope');
    await pickRow(h, 'Optimize with a style image');
    const row = h.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: styleImage }).first();
    await row.waitFor({ state: 'visible', timeout: 30_000 });
    await row.click();
    // A list with check boxes: the click ticks the row (seen as aria-checked or the box), Enter accepts the ticked ones.
    const ticked = async () => (await row.getAttribute('aria-checked')) === 'true' || (await row.locator('input[type=checkbox]').first().isChecked({ timeout: 500 }).catch(() => false));
    await retryUntil('the style ticked', 10_000, ticked).catch(() => undefined);
    const tickedSeen = await ticked();
    await h.page.keyboard.press('Enter');
    const f = await t
      .waitForPanel(h, 'the synthesis panel on style with content and style', async (p) => (await dropdownValue(p, '#method')) === 'style' && (await p.locator('#opt-style-styles .file-item .file-name').count()) === 1, 120_000)
      .catch(async (e: Error) => {
        await h.screenshot('synthesis-style-failed');
        throw new Error(`${e.message} (the style row was ${tickedSeen ? '' : 'not '}seen ticked)`);
      });
    const content = (await f.locator('#opt-style-content .file-name').innerText()).trim();
    const style = (await f.locator('#opt-style-styles .file-item .file-name').innerText()).trim();
    if (content !== photo || style !== styleImage) throw new Error(`content "${content}", style "${style}"`);
    if ((await f.locator('#opt-style-styles .file-weight-slider').count()) !== 1) throw new Error('no weight slider beside the style image');
    await setOption(f, 'style', 'size', 96);
    await setOption(f, 'style', 'steps', 10);
    await retryUntil('cost of 10 steps', 30_000, async () => /10 steps/.test(await f.locator('#plan').innerText()));
    const { status, seen } = await runToEnd(f, 180_000);
    if (seen < 1) throw new Error('the preview never changed during the run');
    const thumbs = f.locator('#synth-sources img.source-thumb');
    if ((await thumbs.count()) !== 2) throw new Error(`${await thumbs.count()} source thumbnails beside the result, expected content and style`);
    for (let i = 0; i < 2; i++) if (!(await thumbs.nth(i).evaluate((el) => (el as HTMLImageElement).naturalWidth > 0))) throw new Error(`thumbnail ${i} did not decode`);
    await h.screenshot('synthesis-style');
    return status;
  });
}
