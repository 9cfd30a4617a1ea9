// Reading and setting the Synthesis panel's controls from the e2e checks (synthesisChecks.ts and
// textureStyleChecks.ts).
import { createHash } from 'node:crypto';
import type { FrameLocator } from 'playwright-core';

/** The live image's src, hashed (a data: URL of a whole PNG is long). */
export async function imageHash(frame: FrameLocator): Promise<string | undefined> {
  const src = await frame.locator('#synth-image').getAttribute('src', { timeout: 1_000 }).catch(() => null);
  return src ? createHash('sha1').update(src).digest('hex').slice(0, 12) : undefined;
}

/** Sets a number option of the method on show (the field reads on 'input', which fill() fires). */
export async function setOption(frame: FrameLocator, method: string, key: string, value: number): Promise<void> {
  const input = frame.locator(`#opt-${method}-${key}`);
  await input.fill(String(value));
}

/** Sets a text option (a toolkit text field: it reads its value on 'change'). */
export async function setText(frame: FrameLocator, method: string, key: string, value: string): Promise<void> {
  await frame.locator(`#opt-${method}-${key}`).evaluate((el, v) => {
    (el as HTMLElement & { value: string }).value = v;
    el.dispatchEvent(new Event('change'));
  }, value);
}

export async function runEnabled(frame: FrameLocator): Promise<boolean> {
  const run = frame.locator('#run');
  return (await run.isVisible().catch(() => false)) && (await run.getAttribute('disabled')) === null;
}

/** The value of a toolkit dropdown (a custom element: its value is a property). */
export async function dropdownValue(frame: FrameLocator, selector: string): Promise<string | undefined> {
  return frame
    .locator(selector)
    .evaluate((el) => (el as HTMLElement & { value: string }).value, undefined, { timeout: 1_000 })
    .catch(() => undefined);
}
