// The folder panels' commands against a stand-in for the vscode API: Find Similar Images takes the
// Explorer's image, the remembered model and the workspace's remembered image folder (asked once,
// near the image), or what the embedding map passes (folder, model, layer) without asking; an open
// panel keeps its k, metric and space. Show Max-Activating Patches takes a channel node as it is and
// asks a layer node for its channel.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PanelState } from '../../src/shared/webviewProtocol';

const host = vi.hoisted(() => ({
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  state: new Map<string, unknown>(),
  dialogs: [] as { defaultUri?: { fsPath: string } }[],
  dialogAnswer: undefined as string | undefined,
  inputs: [] as string[],
  folders: new Set<string>(),
}));

vi.mock('vscode', () => ({
  Uri: { file: (f: string) => ({ fsPath: f }) },
  FileType: { File: 1, Directory: 2 },
  commands: {
    registerCommand: (id: string, run: (...args: unknown[]) => unknown) => {
      host.commands.set(id, run);
      return { dispose() {} };
    },
  },
  window: {
    showOpenDialog: async (o: { defaultUri?: { fsPath: string } }) => {
      host.dialogs.push(o);
      return host.dialogAnswer ? [{ fsPath: host.dialogAnswer }] : undefined;
    },
    showInputBox: async (o: { validateInput: (t: string) => string | undefined }) => {
      const text = host.inputs.shift();
      return text !== undefined && o.validateInput(text) === undefined ? text : undefined;
    },
    showQuickPick: async () => undefined,
    showErrorMessage: async () => undefined,
    activeTextEditor: undefined,
  },
  workspace: {
    getConfiguration: () => ({ get: (_k: string, d?: unknown) => d }),
    workspaceFolders: [{ uri: { fsPath: '/w' } }],
    findFiles: async () => [],
    fs: { stat: async (u: { fsPath: string }) => (host.folders.has(u.fsPath) ? { type: 2 } : Promise.reject(new Error('ENOENT'))) },
  },
}));

const { registerFolderCommands } = await import('../../src/extension/commands/folderCommands');

const shown: PanelState[] = [];
let openPanel: { state: PanelState } | undefined;
const panels = { show: async (s: PanelState) => void shown.push(s), find: (kind: string) => (openPanel?.state.kind === kind ? openPanel : undefined) };
const explorer = { modelFiles: async () => [{ fsPath: '/w/m/model.json' }, { fsPath: '/w/n/model.json' }], info: async () => ({ layers: [] }) };
const context = { workspaceState: { get: (k: string) => host.state.get(k), update: async (k: string, v: unknown) => void host.state.set(k, v) }, globalStorageUri: { fsPath: '/global' } };
registerFolderCommands({ context, explorer, panels } as never);
const run = (id: string, ...args: unknown[]) => host.commands.get(id)!(...args) as Promise<void>;
const conv2 = { name: 'conv2', type: 'Conv2D', outputShape: [11, 11, 16], params: 10, isConv: true };

beforeEach(() => {
  shown.length = 0;
  openPanel = undefined;
  host.state = new Map<string, unknown>([['convscope.lastModel', '/w/m/model.json']]);
  host.dialogs = [];
  host.dialogAnswer = undefined;
  host.inputs = [];
  host.folders = new Set(['/w/digits']);
});

describe('Find Similar Images', () => {
  it('on an Explorer image: the remembered model; the image folder asked once, near the image, then remembered', async () => {
    host.dialogAnswer = '/w/digits';
    await run('convscope.findSimilarImages', { fsPath: '/w/digits/4/a.png' });
    expect(host.dialogs).toHaveLength(1);
    expect(host.dialogs[0]!.defaultUri?.fsPath).toBe('/w/digits');
    expect(shown).toEqual([{ kind: 'neighbors', model: '/w/m/model.json', image: '/w/digits/4/a.png', view: { kind: 'neighbors', k: 6, metric: 'cosine', space: 'both', folder: '/w/digits', cacheDir: '/global/features' } }]);
    await run('convscope.findSimilarImages', { fsPath: '/w/digits/7/b.png' });
    expect(host.dialogs).toHaveLength(1);
    expect(shown[1]).toMatchObject({ image: '/w/digits/7/b.png', view: { folder: '/w/digits' } });
  });

  it('from the embedding map: its folder, model and layer, nothing asked; an open panel keeps its k, metric and space', async () => {
    openPanel = { state: { kind: 'neighbors', model: '/w/n/model.json', view: { kind: 'neighbors', k: 12, metric: 'euclidean', space: 'features', folder: '/old' } } };
    await run('convscope.findSimilarImages', { fsPath: '/w/photos/cat/1.jpg' }, { folder: '/w/photos', model: '/w/n/model.json', layer: 'mixed5' });
    expect(host.dialogs).toHaveLength(0);
    expect(shown).toEqual([{ kind: 'neighbors', model: '/w/n/model.json', image: '/w/photos/cat/1.jpg', layer: 'mixed5', view: { kind: 'neighbors', k: 12, metric: 'euclidean', space: 'features', folder: '/w/photos', cacheDir: '/global/features' } }]);
  });

  it('backing out of the folder dialog opens nothing', async () => {
    host.state.delete('convscope.imageFolder');
    await run('convscope.findSimilarImages', { fsPath: '/w/digits/4/a.png' });
    expect(host.dialogs).toHaveLength(1);
    expect(shown).toEqual([]);
  });
});

describe('Show Max-Activating Patches', () => {
  it('on a channel node: that layer and channel, the remembered folder', async () => {
    host.state.set('convscope.imageFolder', '/w/digits');
    await run('convscope.showMaxPatches', { kind: 'channel', model: '/w/m/model.json', layer: conv2, channel: 3 });
    expect(shown).toEqual([{ kind: 'patches', model: '/w/m/model.json', layer: 'conv2', channel: 3, view: { kind: 'patches', top: 9, folder: '/w/digits', cacheDir: '/global/features', selected: undefined } }]);
    expect(host.dialogs).toHaveLength(0);
  });

  it('on a layer node: asks for the channel, refusing one the layer does not have', async () => {
    host.state.set('convscope.imageFolder', '/w/digits');
    host.inputs = ['16'];
    await run('convscope.showMaxPatches', { kind: 'layer', model: '/w/m/model.json', layer: conv2 });
    expect(shown).toEqual([]);
    host.inputs = ['15'];
    await run('convscope.showMaxPatches', { kind: 'layer', model: '/w/m/model.json', layer: conv2 });
    expect(shown[0]).toMatchObject({ kind: 'patches', layer: 'conv2', channel: 15 });
  });
});
