// Model Explorer discovery (issue 12): .onnx files are listed beside TF.js model JSON, recognised by
// their first bytes, and their layer tree comes from the engine's model info like any model's.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { looksLikeOnnxModel } from '../../src/extension/modelRecognition';
import { referenceFile } from './support/reference';

const host = vi.hoisted(() => ({ ws: '' }));

vi.mock('vscode', async () => {
  const base = (await import('./support/fakeVscode')).fakeVscode(host);
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.name === 'node_modules' || e.name === '.git' ? [] : e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  class EventEmitter {
    event = () => ({ dispose() {} });
    fire() {}
    dispose() {}
  }
  class TreeItem {
    description?: string;
    tooltip?: string;
    constructor(readonly label: string, readonly collapsibleState: number) {}
  }
  return {
    ...base,
    EventEmitter,
    TreeItem,
    ThemeIcon: class {
      constructor(readonly id: string) {}
    },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1 },
    workspace: {
      ...base.workspace,
      // Only the two globs discovery uses: **/*.json and **/*.onnx.
      findFiles: async (glob: string) => walk(host.ws).filter((f) => f.endsWith(glob.slice(glob.lastIndexOf('.')))).map((f) => base.Uri.file(f)),
      fs: { stat: async (u: { fsPath: string }) => ({ size: statSync(u.fsPath).size }), readFile: async (u: { fsPath: string }) => new Uint8Array(readFileSync(u.fsPath)) },
      createFileSystemWatcher: () => ({ onDidChange: () => {}, onDidCreate: () => {}, onDidDelete: () => {}, dispose() {} }),
    },
  };
});

const onnxFixtures = path.resolve(__dirname, '../fixtures/onnx');
const head = (file: string) => new Uint8Array(readFileSync(file).subarray(0, 64 * 1024));
const recognised = (file: string) => looksLikeOnnxModel(head(file), statSync(file).size);

describe('looksLikeOnnxModel', () => {
  it('recognises every PyTorch-exported fixture, one with external data too', () => {
    for (const f of ['plain_cnn', 'plain_cnn_dynamic', 'depthwise', 'residual', 'activations', 'upsampling']) expect(recognised(path.join(onnxFixtures, `${f}.onnx`)), f).toBe(true);
    expect(recognised(path.join(onnxFixtures, 'resnet18/resnet18.onnx'))).toBe(true);
  });

  it('refuses JSON, PNG, weight shards and other bytes; lists a truncated ONNX file (the engine then says it is truncated)', () => {
    expect(recognised(referenceFile('model_a/model/model.json'))).toBe(false);
    expect(recognised(referenceFile('model_a/gradient_square/input.png'))).toBe(false);
    expect(recognised(referenceFile('model_a/model/group1-shard1of1.bin'))).toBe(false);
    expect(looksLikeOnnxModel(new TextEncoder().encode('not a model at all'), 18)).toBe(false);
    expect(looksLikeOnnxModel(new Uint8Array([0x08, 0x00]), 2)).toBe(false); // ir_version 0
    expect(looksLikeOnnxModel(new Uint8Array([0x08, 0x07, 0x12, 0x03, 0x61, 0x62, 0x63]), 7)).toBe(false); // no graph
    const whole = readFileSync(path.join(onnxFixtures, 'plain_cnn.onnx'));
    const half = new Uint8Array(whole.subarray(0, whole.length >> 1));
    expect(looksLikeOnnxModel(half, half.length)).toBe(true);
  });
});

describe('Model Explorer on a workspace with ONNX files', () => {
  beforeAll(() => {
    host.ws = mkdtempSync(path.join(tmpdir(), 'convscope-discovery-'));
    mkdirSync(path.join(host.ws, 'tfjs'));
    copyFileSync(referenceFile('model_a/model/model.json'), path.join(host.ws, 'tfjs/model.json'));
    copyFileSync(referenceFile('model_a/model/group1-shard1of1.bin'), path.join(host.ws, 'tfjs/group1-shard1of1.bin'));
    copyFileSync(path.join(onnxFixtures, 'residual.onnx'), path.join(host.ws, 'residual.onnx'));
    writeFileSync(path.join(host.ws, 'notes.onnx'), 'an ONNX file in name only\n');
    writeFileSync(path.join(host.ws, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
    mkdirSync(path.join(host.ws, 'node_modules/pkg'), { recursive: true });
    copyFileSync(path.join(onnxFixtures, 'plain_cnn.onnx'), path.join(host.ws, 'node_modules/pkg/model.onnx'));
  });
  afterAll(() => rmSync(host.ws, { recursive: true, force: true }));

  it('lists the .onnx model beside the TF.js one, not a file that only has the name, nor node_modules', async () => {
    const { findModelFiles } = await import('../../src/extension/modelDiscovery');
    const found = (await findModelFiles()).map((u) => path.relative(host.ws, u.fsPath));
    expect(found).toEqual(['residual.onnx', path.join('tfjs', 'model.json')]);
  });

  it("shows the ONNX model's layers from the engine's model info, channels under conv layers", async () => {
    const { useWasm } = await import('./support/backend');
    await useWasm();
    const { createHandlers } = await import('../../src/engine/service/handlers');
    const { ModelCache } = await import('../../src/engine/service/modelCache');
    const { ModelExplorer } = await import('../../src/extension/modelExplorer');
    const handlers = createHandlers(new ModelCache({ capacity: 1 }));
    const engine = { request: (_type: unknown, params: { model: string }) => handlers.modelInfo(params) };
    const explorer = new ModelExplorer(engine as never);
    const models = await explorer.getChildren();
    const onnx = models.find((n) => n.kind === 'model' && n.model.endsWith('residual.onnx'))!;
    expect(onnx).toBeDefined();
    const layers = await explorer.getChildren(onnx);
    expect(layers.length).toBeGreaterThan(3);
    const conv = layers.find((n) => n.kind === 'layer' && n.layer.isConv);
    expect(conv && conv.kind === 'layer' && conv.layer.type).toBe('Conv');
    const channels = await explorer.getChildren(conv);
    expect(channels.length).toBe(conv!.kind === 'layer' ? conv!.layer.outputShape.at(-1) : -1);
    const item = explorer.getTreeItem(conv!) as unknown as { label: string; description: string };
    expect(item.description).toMatch(/^Conv \d+×\d+×\d+ · /);
    explorer.dispose();
  });
});
