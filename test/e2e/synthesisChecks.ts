// End-to-end checks of the Synthesis panel, in their own VS Code: a workspace with InceptionV3
// (the only model, so no model question) and a photo. "Dream on Image…" from the palette, a small
// dream whose preview image changes while it runs and ends on the final image; Save writes the PNG
// and its config beside the photo; a second, longer run stopped half-way keeps its image so far;
// the Explorer's "Dream with ConvScope" reuses the panel; the Model Explorer's "Visualize Channel"
// sets layer and channel, and a short run draws the channel; then texture and style (textureStyleChecks.ts).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { retryUntil, VsCodeHarness } from './harness';
import { dropdownValue, imageHash, runEnabled, setOption } from './synthesisPanelHelpers';
import { textureStyleChecks } from './textureStyleChecks';
import { sleep } from './wait';

export interface SynthesisCheckTools {
  repo: string;
  artifacts: string;
  vsix: string;
  check(name: string, run: () => Promise<string | void>): Promise<void>;
  waitForPanel(h: VsCodeHarness, what: string, ready: (frame: FrameLocator) => Promise<boolean>, timeoutMs?: number): Promise<FrameLocator>;
  hasImage(frame: FrameLocator, selector: string): Promise<boolean>;
}

const photo = 'chelsea.png';

function workspaceWithInception(repo: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'convscope-ws-synth-'));
  const from = join(repo, 'models/inceptionv3');
  const to = join(workspace, 'models/inceptionv3');
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f));
  copyFileSync(join(repo, 'samples/photos', photo), join(workspace, photo));
  copyFileSync(join(repo, 'samples/styles/scream.jpg'), join(workspace, 'scream.jpg'));
  return workspace;
}

export async function synthesisChecks(t: SynthesisCheckTools): Promise<void> {
  if (!existsSync(join(t.repo, 'models/inceptionv3/model.json'))) {
    await t.check('Synthesis panel (needs models/inceptionv3: run npm run models)', async () => {
      throw new Error('models/inceptionv3 is missing');
    });
    return;
  }
  const workspace = workspaceWithInception(t.repo);
  const h = await VsCodeHarness.start({ workspace, vsix: t.vsix, artifactsDir: t.artifacts, name: 'synthesis-e2e', settings: { 'convscope.backend': 'wasm' } });
  try {
    let frame: FrameLocator | undefined;
    await t.check('Dream on Image… from the palette opens the Synthesis panel on dream with the photo and its cost', async () => {
      await h.runCommand('ConvScope: Dream on Image…');
      const pick = h.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: photo }).first();
      await pick.waitFor({ state: 'visible', timeout: 30_000 });
      await pick.click();
      frame = await t.waitForPanel(h, 'synthesis panel ready to run', async (f) => (await runEnabled(f)) && /Cost: \d+ octaves/.test(await f.locator('#plan').innerText().catch(() => '')), 180_000);
      const image = (await frame.locator('#image-path').innerText()).trim();
      if (image !== photo) throw new Error(`input image "${image}", expected ${photo}`);
      return (await frame.locator('#plan').innerText()).trim();
    });

    await t.check('A small dream: the preview image changes while it runs, then the final image and the loss curve show', async () => {
      const f = frame!;
      await setOption(f, 'dream', 'octaves', 2);
      await setOption(f, 'dream', 'steps', 4);
      await retryUntil('cost of 2 octaves × 4 steps', 30_000, async () => /2 octaves? × 4 steps/.test(await f.locator('#plan').innerText()));
      const before = await imageHash(f);
      await f.locator('#run').click();
      // Polled often (not with retryUntil's back-off): every preview image should be seen.
      const seen = new Set<string>();
      const deadline = Date.now() + 180_000;
      for (;;) {
        const status = (await f.locator('#synth-status').innerText().catch(() => '')).trim();
        if (/^Done:/.test(status)) break;
        const hash = await imageHash(f);
        if (hash && hash !== before) seen.add(hash);
        if (Date.now() > deadline) throw new Error(`no final image after 180 s; status "${status}"`);
        await sleep(100);
      }
      const previews = Number(await f.locator('#synth-image').getAttribute('data-previews'));
      if (seen.size < 2 || previews < 2) throw new Error(`the image changed ${seen.size} time(s) during the run (${previews} previews received); expected at least 2`);
      if (!(await t.hasImage(f, '#synth-image'))) throw new Error('the final image did not decode');
      const width = await f.locator('#synth-image').evaluate((el) => (el as HTMLImageElement).naturalWidth);
      if (width !== 320) throw new Error(`final image ${width} px wide, expected the photo's 320`);
      if (!(await f.locator('#loss-chart canvas').isVisible())) throw new Error('no loss curve');
      await h.screenshot('synthesis-dream');
      return `${seen.size} distinct preview images, ${previews} previews; ${(await f.locator('#synth-status').innerText()).trim()}`;
    });

    await t.check('Save writes the dream and its run config beside the photo', async () => {
      const f = frame!;
      await f.locator('#save').click();
      await retryUntil('saved line', 30_000, async () => /Saved/.test(await f.locator('#saved').innerText().catch(() => '')));
      const png = join(workspace, 'chelsea-dream.png');
      const config = JSON.parse(readFileSync(join(workspace, 'chelsea-dream.json'), 'utf8')) as { command: string; options: Record<string, unknown> };
      if (!existsSync(png) || config.command !== 'dream' || config.options.steps !== 4) throw new Error(`saved config ${JSON.stringify(config)}`);
      return (await f.locator('#saved').innerText()).trim();
    });

    await t.check('Stop ends a longer dream early and the image so far stays in the panel', async () => {
      const f = frame!;
      await setOption(f, 'dream', 'octaves', 1);
      await setOption(f, 'dream', 'steps', 60);
      await retryUntil('cost of 1 octave × 60 steps', 30_000, async () => /1 octaves? × 60 steps/.test(await f.locator('#plan').innerText()));
      const finished = await imageHash(f);
      await f.locator('#run').click();
      await retryUntil('a preview of the second run', 120_000, async () => {
        const hash = await imageHash(f);
        return Number(await f.locator('#synth-image').getAttribute('data-previews')) >= 2 && hash !== undefined && hash !== finished;
      });
      await f.locator('#stop').click();
      await retryUntil('the stopped result', 60_000, async () => /^Stopped after \d+ steps?/.test((await f.locator('#synth-status').innerText().catch(() => '')).trim()));
      const status = (await f.locator('#synth-status').innerText()).trim();
      const steps = Number(/Stopped after (\d+)/.exec(status)?.[1]);
      if (!(steps > 0 && steps < 60)) throw new Error(`status "${status}"`);
      if (!(await t.hasImage(f, '#synth-image'))) throw new Error('no image after the stop');
      if ((await imageHash(f)) === finished) throw new Error('the panel shows the first run’s image, not the stopped one');
      const warnings = (await f.locator('#synth-warnings').innerText().catch(() => '')).trim();
      await h.screenshot('synthesis-dream-stopped');
      return `${status}${warnings ? `; warning: ${warnings}` : ''}`;
    });

    await t.check('Dream with ConvScope on the photo in the Explorer reuses the panel', async () => {
      await h.openExplorerContextMenu(photo, 'Dream with ConvScope');
      await t.waitForPanel(h, 'the synthesis panel on dream', async (f) => (await runEnabled(f)) && (await dropdownValue(f, '#method')) === 'dream');
      const tabs = await h.page.locator('.tab').filter({ hasText: /Synthesis/ }).count();
      if (tabs !== 1) throw new Error(`${tabs} synthesis tabs, expected the panel to be reused`);
    });

    await t.check('Visualize Channel on a Model Explorer channel sets the layer and channel, and a short run draws it', async () => {
      const tree = h.treeView('ConvScope Models');
      await tree.expand(60_000);
      const model = tree.row('inceptionv3');
      await model.waitFor({ state: 'visible', timeout: 60_000 });
      const layer = tree.row('conv2d_1');
      const channel = tree.row('channel 3');
      await retryUntil('channels of conv2d_1', 120_000, async () => {
        if ((await model.getAttribute('aria-expanded')) === 'false') await model.click();
        if (!(await layer.isVisible())) return false;
        if ((await layer.getAttribute('aria-expanded')) === 'false') await layer.click();
        return channel.isVisible();
      });
      const entry = h.page.locator('.monaco-menu .action-item:not(.disabled) .action-label').filter({ hasText: /^\s*Visualize Channel\s*$/ });
      await retryUntil('the Visualize Channel menu entry', 30_000, async () => {
        await channel.click({ button: 'right' });
        try {
          await entry.first().waitFor({ state: 'visible', timeout: 2_000 });
        } catch {
          await h.page.keyboard.press('Escape');
          return false;
        }
        await entry.first().hover();
        await h.page.keyboard.press('Enter');
        return true;
      });
      const shows = async (p: FrameLocator) => ({ method: await dropdownValue(p, '#method'), layer: await dropdownValue(p, '#opt-visualize-layer'), channel: await p.locator('#opt-visualize-channel').inputValue({ timeout: 1_000 }).catch(() => undefined), run: await runEnabled(p) });
      let last = {};
      const f = await t
        .waitForPanel(h, 'the synthesis panel on visualize, conv2d_1 channel 3', async (p) => {
          const now = await shows(p);
          last = now;
          return now.method === 'visualize' && now.layer === 'conv2d_1' && now.channel === '3' && now.run;
        })
        .catch(async (e: Error) => {
          await h.screenshot('synthesis-visualize-channel-failed');
          throw new Error(`${e.message}; the panel shows ${JSON.stringify(last)}`);
        });
      await setOption(f, 'visualize', 'size', 64);
      await setOption(f, 'visualize', 'steps', 16);
      await retryUntil('cost of 16 steps', 30_000, async () => /16 steps/.test(await f.locator('#plan').innerText()));
      await f.locator('#run').click();
      await retryUntil('the visualization', 180_000, async () => /^Done:/.test((await f.locator('#synth-status').innerText().catch(() => '')).trim()));
      const width = await f.locator('#synth-image').evaluate((el) => (el as HTMLImageElement).naturalWidth);
      if (width !== 64) throw new Error(`image ${width} px wide, expected 64`);
      await h.screenshot('synthesis-visualize-channel');
      return (await f.locator('#synth-status').innerText()).trim();
    });

    await textureStyleChecks(t, h, photo);
  } finally {
    await h.stop();
  }
}
