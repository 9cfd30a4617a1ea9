// Waiting helpers for the e2e harness: retries with a deadline and errors that say what was awaited.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A RegExp matching exactly `s` (surrounding whitespace allowed); a RegExp is returned as is. */
export const exactly = (s: string | RegExp): RegExp => (typeof s === 'string' ? new RegExp(`^\\s*${escapeRe(s)}\\s*$`) : s);

/**
 * Retries `attempt` until it returns true or `timeoutMs` passes (backing off from 250 ms to 1 s);
 * the error names what was awaited, the last error and `detail()` (e.g. what the screen shows).
 * CONVSCOPE_E2E_DEBUG=1 logs every failed attempt.
 */
export async function retryUntil(what: string, timeoutMs: number, attempt: () => Promise<boolean>, detail?: () => Promise<string>): Promise<void> {
  const t0 = Date.now();
  const deadline = t0 + timeoutMs;
  const debug = process.env.CONVSCOPE_E2E_DEBUG === '1';
  let lastError: unknown;
  for (let i = 0; Date.now() < deadline; i++) {
    try {
      if (await attempt()) return;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (debug) {
      const why = lastError instanceof Error ? lastError.message.split('\n')[0] : detail ? await detail().catch(() => '') : '';
      console.log(`[e2e debug] ${what}: attempt ${i + 1} not done at ${Date.now() - t0} ms ${why}`);
    }
    await sleep(Math.min(250 * (i + 1), 1000));
  }
  const extra = detail ? await detail().catch(() => '') : '';
  const cause = lastError instanceof Error ? `; last error: ${lastError.message.split('\n')[0]}` : '';
  throw new Error(`${what}: not done after ${timeoutMs} ms${cause}${extra ? `; ${extra}` : ''}`);
}
