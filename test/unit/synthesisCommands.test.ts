// The synthesis commands against a stand-in for the vscode API: every command package.json
// contributes is registered, each opens the model's Synthesis panel on its method with the options
// it knows (class, layer and channel), the model is the remembered one, and an open panel takes
// the request over its own choices.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelInfoResult } from '../../src/shared/engineProtocol';
import type { PanelState } from '../../src/shared/webviewProtocol';
import { synthesisInfos, synthesisLayers } from './support/synthesisMethods';

const host = vi.hoisted(() => ({
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  quickPicks: [] as ((items: { label: string }[]) => unknown)[],
  inputs: [] as string[],
  state: new Map<string, unknown>([['convscope.lastModel', '/w/m/model.json']]),
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
    showQuickPick: async (items: { label: string }[]) => host.quickPicks.shift()?.(items),
    showInputBox: async (o: { validateInput: (t: string) => string | undefined }) => {
      const text = host.inputs.shift();
      return text !== undefined && o.validateInput(text) === undefined ? text : undefined;
    },
    showErrorMessage: async () => undefined,
    showTextDocument: async () => undefined,
    showOpenDialog: async () => undefined,
    activeTextEditor: undefined,
  },
  workspace: {
    getConfiguration: () => ({ get: (_k: string, d?: unknown) => d }),
    workspaceFolders: [{ uri: { fsPath: '/w' } }],
    findFiles: async () => [{ fsPath: '/w/dog.png' }],
    asRelativePath: (p: string) => p,
  },
}));

const { registerCommands } = await import('../../src/extension/commands/registerCommands');

const info: ModelInfoResult = { file: '/w/m/model.json', kind: 'layers', inputShape: { height: 28, width: 28, channels: 1 }, numClasses: 3, labels: ['cat', 'dog', 'owl'], hideClasses: false, layers: synthesisLayers, backend: 'cpu', synthesisMethods: synthesisInfos };
const shown: PanelState[] = [];
const panels = { show: async (s: PanelState) => void shown.push(s), find: () => undefined };
const explorer = { modelFiles: async () => [{ fsPath: '/w/m/model.json' }, { fsPath: '/w/n/model.json' }], info: async () => info };
const context = { workspaceState: { get: (k: string) => host.state.get(k), update: async (k: string, v: unknown) => void host.state.set(k, v) } };
registerCommands({ context, explorer, panels, output: { show() {} } } as never);

const run = (id: string, ...args: unknown[]) => host.commands.get(id)!(...args) as Promise<void>;

beforeEach(() => {
  shown.length = 0;
  host.quickPicks = [];
  host.inputs = [];
});

describe('synthesis commands', () => {
  it('every command package.json contributes is registered, and the four synthesis commands are in the palette', () => {
    const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { contributes: { commands: { command: string; title: string }[]; menus: { commandPalette: { command: string; when: string }[] } } };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    expect([...host.commands.keys()].sort()).toEqual(contributed);
    const hidden = manifest.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command);
    const palette = manifest.contributes.commands.filter((c) => !hidden.includes(c.command)).map((c) => c.title);
    expect(palette).toEqual(expect.arrayContaining(['Dream on Image…', 'Visualize Class…', 'Visualize Channel…', 'Invert Features…']));
  });

  it('Dream with ConvScope on an Explorer image opens the remembered model’s panel on dream with that image', async () => {
    await run('convscope.dreamWith', { fsPath: '/w/cat.png' });
    expect(shown).toEqual([{ kind: 'synthesis', model: '/w/m/model.json', image: '/w/cat.png', view: { kind: 'synthesis', method: 'dream', options: {} } }]);
  });

  it('Invert Features… from the palette asks for the image', async () => {
    host.quickPicks.push((items) => items.find((i) => i.label === '$(folder-opened) Browse…'));
    await run('convscope.invertFeatures');
    expect(shown).toEqual([]); // backed out of the file dialog: nothing opens
    host.quickPicks.push(() => ({ label: 'dog.png', file: '/w/dog.png' }));
    await run('convscope.invertFeatures');
    expect(shown[0]).toMatchObject({ image: '/w/dog.png', view: { method: 'invert' } });
  });

  it('Visualize Class… offers the labels and sets the class target', async () => {
    let offered: string[] = [];
    host.quickPicks.push((items) => {
      offered = items.map((i) => `${i.label} ${(i as { description?: string }).description}`);
      return items[2];
    });
    await run('convscope.visualizeClass');
    expect(offered).toEqual(['0 cat', '1 dog', '2 owl']);
    expect(shown).toEqual([{ kind: 'synthesis', model: '/w/m/model.json', image: undefined, view: { kind: 'synthesis', method: 'visualize', options: { visualize: { target: 2 } } } }]);
  });

  it('Visualize Channel… asks for a conv layer and a channel within its count; on a Model Explorer channel it asks nothing', async () => {
    host.quickPicks.push((items) => items.find((i) => i.label === 'conv2'));
    host.inputs.push('8'); // conv2 has 8 channels: 0–7
    await run('convscope.visualizeChannel');
    expect(shown).toEqual([]);
    host.quickPicks.push((items) => items.find((i) => i.label === 'conv2'));
    host.inputs.push('7');
    await run('convscope.visualizeChannel');
    expect(shown.at(-1)?.view).toEqual({ kind: 'synthesis', method: 'visualize', options: { visualize: { layer: 'conv2', channel: 7 } } });
    await run('convscope.visualizeThisChannel', { kind: 'channel', model: '/w/n/model.json', layer: synthesisLayers[1], channel: 3 });
    expect(shown.at(-1)).toEqual({ kind: 'synthesis', model: '/w/n/model.json', image: undefined, view: { kind: 'synthesis', method: 'visualize', options: { visualize: { layer: 'conv1', channel: 3 } } } });
  });
});
