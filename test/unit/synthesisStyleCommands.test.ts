// Texture and style commands against a stand-in for the vscode API and a real workspace folder:
// Synthesize Texture… opens the panel on texture with the picked image, Stylize Image… and the
// Explorer's Stylize with ConvScope fill in the content and the style images (nothing runs), images
// outside the workspace are refused, and the model is the workspace's InceptionV3 when there is one.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PanelState } from '../../src/shared/webviewProtocol';

const host = vi.hoisted(() => ({
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  quickPicks: [] as ((items: { label: string; file?: string }[], options: { canPickMany?: boolean }) => unknown)[],
  errors: [] as string[],
  folder: '',
  images: [] as string[],
  models: [] as string[],
  state: new Map<string, unknown>(),
}));

vi.mock('vscode', () => ({
  Uri: { file: (f: string) => ({ fsPath: f }) },
  ProgressLocation: { Window: 10, Notification: 15 },
  commands: {
    registerCommand: (id: string, run: (...args: unknown[]) => unknown) => {
      host.commands.set(id, run);
      return { dispose() {} };
    },
    executeCommand: async () => undefined,
  },
  window: {
    withProgress: (_o: unknown, task: () => Promise<unknown>) => task(),
    showQuickPick: async (items: { label: string }[], options: { canPickMany?: boolean }) => host.quickPicks.shift()?.(items, options),
    showInputBox: async () => undefined,
    showErrorMessage: async (m: string) => void host.errors.push(m),
    showTextDocument: async () => undefined,
    showOpenDialog: async () => undefined,
    activeTextEditor: undefined,
  },
  workspace: {
    getConfiguration: () => ({ get: (_k: string, d?: unknown) => d }),
    get workspaceFolders() {
      return [{ uri: { fsPath: host.folder } }];
    },
    findFiles: async () => host.images.map((fsPath) => ({ fsPath })),
    asRelativePath: (p: string | { fsPath: string }) => path.basename(typeof p === 'string' ? p : p.fsPath),
  },
}));

const { registerCommands } = await import('../../src/extension/commands/registerCommands');
const { optimizeItemLabel } = await import('../../src/extension/styleNetworks');

const shown: PanelState[] = [];
const panels = { show: async (s: PanelState) => void shown.push(s), find: () => undefined };
const explorer = { modelFiles: async () => host.models.map((fsPath) => ({ fsPath })), info: async () => ({}) };
const extensionPath = mkdtempSync(path.join(tmpdir(), 'convscope-ext-'));
const context = { extensionPath, workspaceState: { get: (k: string) => host.state.get(k), update: async (k: string, v: unknown) => void host.state.set(k, v) } };
registerCommands({ context, explorer, panels, output: { show() {} } } as never);

const run = (id: string, ...args: unknown[]) => host.commands.get(id)!(...args) as Promise<void>;
const byName = (name: string) => (items: { label: string; file?: string }[]) => items.find((i) => i.label === name);
/** The Stylize commands' first question: the optimization (Gatys) path. */
const optimize = byName(optimizeItemLabel);
let outside = '';
let mnist = '';
let inception = '';
const ws = (f: string) => path.join(host.folder, f);

beforeAll(() => {
  const root = mkdtempSync(path.join(tmpdir(), 'convscope-style-cmd-'));
  host.folder = path.join(root, 'ws');
  outside = path.join(root, 'out', 'far.png');
  mkdirSync(host.folder);
  mkdirSync(path.dirname(outside));
  for (const f of ['photo.png', 'wave.jpg', 'starry.png'].map(ws).concat(outside)) writeFileSync(f, 'png');
  mnist = ws('models/mnist-cnn/model.json');
  inception = ws('models/inceptionv3/model.json');
});

beforeEach(() => {
  shown.length = 0;
  host.quickPicks = [];
  host.errors = [];
  host.images = ['photo.png', 'wave.jpg', 'starry.png'].map(ws);
  host.models = [mnist, inception];
  host.state = new Map([['convscope.lastModel', mnist]]);
});

describe('texture and style commands', () => {
  it('the manifest: two palette commands, and Stylize with ConvScope on Explorer images only', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string; category: string }[]; menus: Record<string, { command: string; when: string }[]> } };
    const titles = Object.fromEntries(manifest.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
    expect(titles['convscope.synthesizeTexture']).toBe('ConvScope: Synthesize Texture…');
    expect(titles['convscope.stylizeImage']).toBe('ConvScope: Stylize Image…');
    expect(manifest.contributes.menus.commandPalette).toContainEqual({ command: 'convscope.stylizeWith', when: 'false' });
    expect(manifest.contributes.menus['explorer/context']!.find((m) => m.command === 'convscope.stylizeWith')?.when).toMatch(/resourceExtname/);
  });

  it('Synthesize Texture… opens the workspace’s InceptionV3 on texture with the picked image, and remembers it', async () => {
    host.quickPicks.push(byName('wave.jpg'));
    await run('convscope.synthesizeTexture');
    expect(shown).toEqual([{ kind: 'synthesis', model: inception, image: ws('wave.jpg'), view: { kind: 'synthesis', method: 'texture', options: {} } }]);
    expect(host.state.get('convscope.lastModel')).toBe(inception);
  });

  it('without an InceptionV3 in the workspace the model is picked as for Explain (here: the one used last)', async () => {
    host.models = [mnist, ws('models/other/model.json')];
    host.quickPicks.push(byName('wave.jpg'));
    await run('convscope.synthesizeTexture');
    expect(shown[0]?.model).toBe(mnist);
  });

  it('Stylize Image…: the content, then several style images (the content not offered again); the panel opens on style with them and nothing runs', async () => {
    let offered: string[] = [];
    let many: boolean | undefined;
    host.quickPicks.push(optimize);
    host.quickPicks.push(byName('photo.png'));
    host.quickPicks.push((items, options) => {
      offered = items.map((i) => i.label);
      many = options.canPickMany;
      return [items[1], items[0]];
    });
    await run('convscope.stylizeImage');
    expect(offered).toEqual(['wave.jpg', 'starry.png']);
    expect(many).toBe(true);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ kind: 'synthesis', model: inception, image: undefined, view: { method: 'style' } });
    const options = shown[0]!.view!.kind === 'synthesis' ? shown[0]!.view!.options?.style : undefined;
    expect(options?.content).toMatch(/ws[\\/]photo\.png$/);
    expect((options?.styles as string[]).map((s) => path.basename(s))).toEqual(['starry.png', 'wave.jpg']);
    expect(options).not.toHaveProperty('styleWeights');
  });

  it('Stylize with ConvScope takes the Explorer’s image as the content; backing out of the styles opens nothing', async () => {
    host.quickPicks.push(optimize);
    host.quickPicks.push((items) => [items.find((i) => i.label === 'starry.png')]);
    await run('convscope.stylizeWith', { fsPath: ws('photo.png') });
    expect(shown[0]?.view).toMatchObject({ method: 'style' });
    host.quickPicks.push(optimize);
    host.quickPicks.push(() => undefined);
    await run('convscope.stylizeWith', { fsPath: ws('wave.jpg') });
    expect(shown).toHaveLength(1);
  });

  it('an image outside the workspace is refused with the reason, and nothing opens', async () => {
    host.quickPicks.push(optimize);
    await run('convscope.stylizeWith', { fsPath: outside });
    expect(shown).toEqual([]);
    expect(host.errors).toEqual(['ConvScope: far.png: outside the workspace; only images inside the workspace folders can be used']);
  });

  it('the first pick offers the shipped style networks before the optimization path; picking one opens its panel on fast style with the photo', async () => {
    const dir = path.join(extensionPath, 'models/style-scream');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'model.json'), '{}');
    writeFileSync(path.join(dir, 'model.convscope.json'), JSON.stringify({ styleNetwork: { style: 'scream.jpg', stepsDone: 2000 } }));
    let offered: string[] = [];
    host.quickPicks.push((items) => ((offered = items.map((i) => i.label)), items[0]));
    await run('convscope.stylizeWith', { fsPath: ws('photo.png') });
    expect(offered).toEqual(['$(paintcan) scream', optimizeItemLabel]);
    expect(shown).toEqual([{ kind: 'synthesis', model: path.join(dir, 'model.json'), view: { kind: 'synthesis', method: 'fast-style', options: { 'fast-style': { content: ws('photo.png') } } } }]);
    // Backing out of the first pick: nothing opens.
    host.quickPicks.push(() => undefined);
    await run('convscope.stylizeImage');
    expect(shown).toHaveLength(1);
  });
});
