import * as vscode from 'vscode';
import type { ModelExplorer } from '../modelExplorer';
import { modelName } from '../panels/panelRegistry';
import { formatInfo } from '../formatInfo';

export const infoScheme = 'convscope-info';

/** A read-only text document with a model's layer table, like `convscope info`. */
export class ModelInfoDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly explorer: ModelExplorer) {}

  static uriFor(model: string): vscode.Uri {
    return vscode.Uri.from({ scheme: infoScheme, path: `/${modelName(model)} (model info)`, query: model });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    try {
      return formatInfo(await this.explorer.info(uri.query));
    } catch (e) {
      return `${uri.query}\n\n${e instanceof Error ? e.message : String(e)}\n`;
    }
  }
}
