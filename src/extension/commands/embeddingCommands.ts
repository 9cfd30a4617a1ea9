import * as vscode from 'vscode';
import { defaultViews } from '../../shared/webviewProtocol';
import { EmbeddingPanel } from '../panels/embeddingPanel';
import type { ModelExplorer } from '../modelExplorer';
import type { PanelRegistry } from '../panels/panelRegistry';
import { featureCacheDir, pickImageFolder } from './imageFolderChoice';
import { pickModel } from './pickers';

export interface EmbeddingCommandServices {
  context: vscode.ExtensionContext;
  explorer: ModelExplorer;
  panels: PanelRegistry;
}

/**
 * "Show Embedding Map…": from the palette (the model as Explain picks it, the workspace's image
 * folder, asked once and remembered) or on a folder in the Explorer (that folder). An open map of
 * the same model is pointed at the folder, keeping its options.
 */
export function registerEmbeddingCommands(s: EmbeddingCommandServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('convscope.showEmbeddingMap', async (uri?: vscode.Uri) => {
      const model = await pickModel(s.context, s.explorer);
      const folder = model && (uri instanceof vscode.Uri ? uri.fsPath : await pickImageFolder(s.context));
      if (!model || !folder) return;
      const cacheDir = featureCacheDir(s.context);
      const open = s.panels.find('embedding', model);
      if (open instanceof EmbeddingPanel) return open.showFolder(folder, cacheDir);
      await s.panels.show({ kind: 'embedding', model, view: { ...defaultViews.embedding, folder, cacheDir } });
    }),
  ];
}
