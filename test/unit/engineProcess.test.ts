import { afterAll, beforeAll, expect, it } from 'vitest';
import { fork, type ChildProcess, execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { CancellationTokenSource, createMessageConnection, IPCMessageReader, IPCMessageWriter, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { EngineErrorCodes, EngineNotifications, EngineRequests, type ProgressParams, type ReadyParams, type SaliencyResult, type ModelInfoResult } from '../../src/shared/engineProtocol';
import { referenceFile } from './support/reference';

const root = path.resolve(__dirname, '../..');
let child: ChildProcess;
let connection: MessageConnection;
let ready: Promise<ReadyParams>;
const progress: ProgressParams[] = [];
const model = referenceFile('model_a/model/model.json');
const image = referenceFile('model_a/radial_bar/input.png');

beforeAll(() => {
  execFileSync('node', ['esbuild.mjs'], { cwd: root });
  child = fork(path.join(root, 'dist/engine.js'), [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, CONVSCOPE_BACKEND: 'wasm' } });
  connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  ready = new Promise((resolve) => connection.onNotification(EngineNotifications.ready, resolve));
  connection.onNotification(EngineNotifications.progress, (p: ProgressParams) => {
    progress.push(p);
  });
  connection.listen();
});

afterAll(() => {
  connection.dispose();
  child.kill();
});

it('announces its backend, then answers model info and saliency requests', async () => {
  const r = await ready;
  expect(r.backend).toBe('wasm');
  expect(r.pid).toBe(child.pid);
  const info: ModelInfoResult = await connection.sendRequest(EngineRequests.modelInfo, { model });
  expect(info.layers.map((l) => l.name)).toEqual(['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'gap', 'logits']);
  const s: SaliencyResult = await connection.sendRequest(EngineRequests.saliency, { model, image, method: 'integrated-gradients', options: { steps: 20 }, jobId: 'ig-1' });
  expect(s.target).toMatchObject({ kind: 'class', index: 2 });
  expect(s.map.shape).toEqual([32, 32]);
  expect(Buffer.from(s.overlayPng, 'base64').subarray(1, 4).toString()).toBe('PNG');
  expect(progress.some((p) => p.jobId === 'ig-1')).toBe(true);
});

it('reports bad input as a user error, and keeps working afterwards', async () => {
  const error = await connection.sendRequest(EngineRequests.activations, { model, image, layer: 'nope' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ResponseError);
  expect((error as ResponseError<unknown>).code).toBe(EngineErrorCodes.userError);
  expect((error as ResponseError<unknown>).message).toMatch(/no layer named 'nope'; valid layers: conv1/);
  const missing = await connection.sendRequest(EngineRequests.predict, { model, image: '/nonexistent.png' }).catch((e: unknown) => e);
  expect((missing as ResponseError<unknown>).message).toMatch(/nonexistent\.png: file not found/);
  const ok = await connection.sendRequest(EngineRequests.predict, { model, image });
  expect(ok).toMatchObject({ top: expect.any(Array), backend: 'wasm' });
});

it('stops a long job within a second of a cancel', async () => {
  const source = new CancellationTokenSource();
  const started = Date.now();
  const pending = connection.sendRequest(EngineRequests.saliency, { model, image, method: 'occlusion', options: { window: 1, stride: 1, memoryBudgetBytes: 1 } }, source.token).catch((e: unknown) => e);
  setTimeout(() => source.cancel(), 300);
  const error = await pending;
  expect((error as ResponseError<unknown>).code).toBe(EngineErrorCodes.cancelled);
  expect(Date.now() - started).toBeLessThan(1500);
});
