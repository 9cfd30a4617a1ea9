import * as vscode from 'vscode';
import type { ExplorerNode, ModelExplorer } from '../modelExplorer';
import type { PanelRegistry } from '../panels/panelRegistry';
import { registerFolderCommands } from './folderCommands';
import { ModelInfoDocuments } from './infoDocument';
import { pickImage, pickModel } from './pickers';
import { registerSynthesisCommands } from './synthesisCommands';
import { registerEmbeddingCommands } from './embeddingCommands';

export interface CommandServices {
  context: vscode.ExtensionContext;
  explorer: ModelExplorer;
  panels: PanelRegistry;
  output: vscode.OutputChannel;
}

type ModelNode = Extract<ExplorerNode, { kind: 'model' }>;
type LayerNode = Extract<ExplorerNode, { kind: 'layer' | 'channel' }>;

/**
 * Every ConvScope command. Each accepts what its menus pass (an explorer URI, a tree node) and
 * asks for whatever is missing (model, image) when run from the palette.
 */
export function registerCommands(s: CommandServices): vscode.Disposable[] {
  const model = async (node?: ExplorerNode) => (node && node.kind !== 'message' ? node.model : pickModel(s.context, s.explorer));
  const register = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  return [
    register('convscope.refreshModels', () => s.explorer.refresh()),
    register('convscope.showOutput', () => s.output.show(true)),
    register('convscope.openModel', async () => {
      const m = await pickModel(s.context, s.explorer, { ask: true });
      if (m) await vscode.window.showTextDocument(ModelInfoDocuments.uriFor(m), { preview: true });
    }),
    register('convscope.showInfo', async (node?: ModelNode) => {
      const m = await model(node);
      if (m) await vscode.window.showTextDocument(ModelInfoDocuments.uriFor(m), { preview: true });
    }),
    register('convscope.showFilters', async (node?: ModelNode | LayerNode) => {
      const m = await model(node);
      if (m) await s.panels.show({ kind: 'filters', model: m, layer: node && 'layer' in node ? node.layer.name : undefined });
    }),
    register('convscope.showActivations', async (node?: ModelNode | LayerNode) => {
      const m = await model(node);
      const image = m && (await pickImage());
      if (m && image) await s.panels.show({ kind: 'activations', model: m, image, layer: node && 'layer' in node ? node.layer.name : undefined });
    }),
    register('convscope.neuronSaliency', async (node?: LayerNode) => {
      const m = await model(node);
      const image = m && (await pickImage());
      if (m && image) await s.panels.show({ kind: 'activations', model: m, image, layer: node?.layer.name, channel: node?.kind === 'channel' ? node.channel : undefined });
    }),
    register('convscope.explainImage', async (uri?: vscode.Uri) => {
      const image = uri?.fsPath ?? vscode.window.activeTextEditor?.document.uri.fsPath ?? (await pickImage());
      if (!image) return;
      const m = await pickModel(s.context, s.explorer);
      if (m) await s.panels.show({ kind: 'saliency', model: m, image });
    }),
    register('convscope.explainImageWith', async (uri?: vscode.Uri) => {
      const image = uri?.fsPath ?? (await pickImage());
      const m = image && (await pickModel(s.context, s.explorer, { ask: true }));
      if (image && m) await s.panels.show({ kind: 'saliency', model: m, image });
    }),
    ...registerSynthesisCommands(s),
    ...registerFolderCommands(s),
    ...registerEmbeddingCommands(s),
  ];
}
