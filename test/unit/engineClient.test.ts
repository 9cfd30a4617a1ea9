import { afterEach, expect, it } from 'vitest';
import * as path from 'node:path';
import { RequestType } from 'vscode-jsonrpc';
import { EngineClient } from '../../src/extension/engineClient';
import { EngineCancelledError, EngineCrashedError, EngineTimeoutError, EngineUserError } from '../../src/extension/engineErrors';

// The fake engine's requests, typed like the real ones in engineProtocol.ts.
const echoRequest = new RequestType<{ value?: string | number; steps?: number }, { echo: string; pid: number }, void>('test/echo');
const crashRequest = new RequestType<Record<string, never>, unknown, void>('test/crash');
const userErrorRequest = new RequestType<Record<string, never>, unknown, void>('test/userError');
const hangRequest = new RequestType<Record<string, never>, { pid: number }, void>('test/hang');

const fakeEngine = path.resolve(__dirname, '../fixtures/fakeEngine.cjs');
const clients: EngineClient[] = [];

function client(options: Partial<ConstructorParameters<typeof EngineClient>[0]> = {}): EngineClient {
  const c = new EngineClient({ enginePath: fakeEngine, log: () => {}, ...options });
  clients.push(c);
  return c;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

it('starts the engine lazily, on the first request, and routes progress to that request', async () => {
  const c = client();
  expect(c.isRunning).toBe(false);
  await expect(c.request(echoRequest, { value: 'poll' }, { ifRunning: true })).rejects.toBeInstanceOf(EngineCrashedError);
  expect(c.isRunning).toBe(false);
  const seen: string[] = [];
  const r = await c.request(echoRequest, { value: 'hi', steps: 3 }, { onProgress: (p) => seen.push(p.message) });
  expect(r.echo).toBe('hi');
  expect(c.info?.backend).toBe('fake');
  expect(seen).toEqual(['step 1', 'step 2', 'step 3']);
});

it('cancels a running request quickly, and the engine keeps serving', async () => {
  const c = client();
  await c.start();
  const abort = new AbortController();
  const started = Date.now();
  const pending = c.request(echoRequest, { value: 'long', steps: 200 }, { signal: abort.signal });
  setTimeout(() => abort.abort(), 100);
  await expect(pending).rejects.toBeInstanceOf(EngineCancelledError);
  expect(Date.now() - started).toBeLessThan(1000);
  await expect(c.request(echoRequest, { value: 'again' })).resolves.toMatchObject({ echo: 'again' });
});

it('fails pending requests with a clear message when the engine crashes, then starts a new one', async () => {
  const c = client();
  const first = await c.request(echoRequest, { value: 1 });
  const slow = c.request(echoRequest, { value: 'pending', steps: 100 });
  const crash = c.request(crashRequest, {});
  await expect(crash).rejects.toBeInstanceOf(EngineCrashedError);
  await expect(slow).rejects.toThrow(/stopped unexpectedly \(exit code 3\): fake engine: out of memory\. The next request starts a new engine/);
  const second = await c.request(echoRequest, { value: 2 });
  expect(second.pid).not.toBe(first.pid);
  expect(alive(first.pid)).toBe(false);
});

it('times out a hung engine, kills it, and recovers', async () => {
  const c = client({ requestTimeoutMs: 400 });
  const first = await c.request(echoRequest, { value: 1 });
  await expect(c.request(hangRequest, {})).rejects.toBeInstanceOf(EngineTimeoutError);
  const second = await c.request(echoRequest, { value: 2 });
  expect(second.pid).not.toBe(first.pid);
});

it('gives up on an engine that never becomes ready', async () => {
  const c = client({ startTimeoutMs: 500 });
  process.env.FAKE_ENGINE_MODE = 'silent';
  try {
    await expect(c.request(echoRequest, {})).rejects.toThrow(/did not start within 1 s|did not start within 0 s/);
  } finally {
    delete process.env.FAKE_ENGINE_MODE;
  }
});

it('passes user errors through with their message', async () => {
  const c = client();
  await expect(c.request(userErrorRequest, {})).rejects.toEqual(new EngineUserError('/tmp/x.png: not a PNG, JPEG or BMP image'));
});

it('stops the engine on dispose: no orphan process', async () => {
  const c = client();
  const { pid } = await c.request(echoRequest, { value: 1 });
  expect(alive(pid)).toBe(true);
  await c.dispose();
  expect(alive(pid)).toBe(false);
  await expect(c.request(echoRequest, {})).rejects.toBeInstanceOf(EngineCrashedError);
});

it('restarts with a new backend preference when asked', async () => {
  const c = client({ backend: 'wasm' });
  const first = await c.request(echoRequest, { value: 1 });
  await c.restart('cpu');
  expect(alive(first.pid)).toBe(false);
  const second = await c.request(echoRequest, { value: 2 });
  expect(second.pid).not.toBe(first.pid);
});
