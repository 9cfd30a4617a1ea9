import * as vscode from 'vscode';
import type { LayerInfo, ModelInfoResult } from '../../shared/engineProtocol';
import type { PanelState } from '../../shared/webviewProtocol';
import type { ExplorerNode, ModelExplorer } from '../modelExplorer';
import { channelCount, viewOf } from '../panels/panelData';
import type { PanelRegistry } from '../panels/panelRegistry';
import { featureCacheDir, pickImageFolder } from './imageFolderChoice';
import { parseIndex } from './indexInput';
import { pickImage, pickModel } from './pickers';

export interface FolderCommandServices {
  context: vscode.ExtensionContext;
  explorer: ModelExplorer;
  panels: PanelRegistry;
}

/** What the embedding map passes for a point: its folder, model and layer, so nothing is asked. */
export interface FindSimilarOptions {
  folder?: string;
  model?: string;
  layer?: string;
}

type LayerNode = Extract<ExplorerNode, { kind: 'layer' | 'channel' }>;

/**
 * The commands of the folder panels: Find Similar Images (an Explorer image, the palette, or a point
 * of the embedding map) opens the Neighbours panel on that image; Show Max-Activating Patches (a
 * channel or layer of the Model Explorer) opens the Patches panel. The image folder is the one
 * remembered for the workspace (asked once); the feature cache lives in global storage.
 */
export function registerFolderCommands(s: FolderCommandServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('convscope.findSimilarImages', (imageUri?: vscode.Uri, options?: FindSimilarOptions) => findSimilarImages(s, imageUri, options)),
    vscode.commands.registerCommand('convscope.showMaxPatches', (node?: LayerNode) => showMaxPatches(s, node)),
  ];
}

export async function findSimilarImages(s: FolderCommandServices, imageUri?: vscode.Uri, options: FindSimilarOptions = {}): Promise<void> {
  // A URI from the Explorer; else the image open in an editor tab; else ask.
  const image = imageUri?.fsPath ?? activeImage() ?? (await pickImage('ConvScope: find images similar to…'));
  const model = image && (options.model ?? (await pickModel(s.context, s.explorer)));
  const folder = model && (options.folder ?? (await pickImageFolder(s.context, { near: image })));
  if (!image || !model || !folder) return;
  // An open panel keeps its k, metric and space; a layer is set only when the caller names one.
  const open = s.panels.find('neighbors', model)?.state;
  const view = { ...viewOf(open ?? { kind: 'neighbors', model }, 'neighbors'), folder, cacheDir: featureCacheDir(s.context) };
  const state: PanelState = { kind: 'neighbors', model, image, view, ...(options.layer ? { layer: options.layer } : {}) };
  await s.panels.show(state);
}

export async function showMaxPatches(s: FolderCommandServices, node?: LayerNode): Promise<void> {
  const model = node?.model ?? (await pickModel(s.context, s.explorer));
  if (!model) return;
  const info = node ? undefined : await s.explorer.info(model);
  const layer = node?.layer ?? (info && (await pickSpatialLayer(info)));
  if (!layer) return;
  const channel = node?.kind === 'channel' ? node.channel : await askChannel(layer);
  if (channel === undefined) return;
  const folder = await pickImageFolder(s.context);
  if (!folder) return;
  const open = s.panels.find('patches', model)?.state;
  const view = { ...viewOf(open ?? { kind: 'patches', model }, 'patches'), folder, cacheDir: featureCacheDir(s.context), selected: undefined };
  await s.panels.show({ kind: 'patches', model, layer: layer.name, channel, view });
}

const imageExtension = /\.(png|jpe?g|bmp|webp)$/i;

function activeImage(): string | undefined {
  // An image preview is a custom editor (no text document): the active tab's input has its URI.
  const input = vscode.window.tabGroups?.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
  const file = input?.uri?.fsPath ?? vscode.window.activeTextEditor?.document.uri.fsPath;
  return file && imageExtension.test(file) ? file : undefined;
}

/** Layers whose output has rows and columns (a patch has a place), by quick pick. */
async function pickSpatialLayer(info: ModelInfoResult): Promise<LayerInfo | undefined> {
  const layers = info.layers.filter((l) => l.outputShape.length === 3 && l.type !== 'InputLayer');
  if (layers.length === 0) {
    void vscode.window.showErrorMessage('ConvScope: this model has no layer with spatial extent to find patches in.');
    return undefined;
  }
  const item = await vscode.window.showQuickPick(
    layers.map((layer) => ({ label: layer.name, description: `${layer.type} · ${channelCount(layer) ?? '?'} channels`, layer })),
    { title: 'ConvScope: max-activating patches of which layer?' },
  );
  return item?.layer;
}

async function askChannel(layer: LayerInfo): Promise<number | undefined> {
  const count = channelCount(layer) ?? 0;
  const text = await vscode.window.showInputBox({
    title: `ConvScope: max-activating patches of which channel of ${layer.name}?`,
    value: '0',
    prompt: `0 to ${count - 1}`,
    validateInput: (t) => {
      const r = parseIndex(t, count, 'channel');
      return 'error' in r ? r.error : undefined;
    },
  });
  if (text === undefined) return undefined;
  const r = parseIndex(text, count, 'channel');
  return 'index' in r ? r.index : undefined;
}
