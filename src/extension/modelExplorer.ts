import * as vscode from 'vscode';
import { EngineRequests, type LayerInfo, type ModelInfoResult } from '../shared/engineProtocol';
import type { EngineClient } from './engineClient';
import { findModelFiles } from './modelDiscovery';
import { modelName } from './panels/panelRegistry';

export type ExplorerNode =
  | { kind: 'model'; model: string }
  | { kind: 'layer'; model: string; layer: LayerInfo }
  | { kind: 'channel'; model: string; layer: LayerInfo; channel: number }
  | { kind: 'message'; text: string };

const shape = (s: number[]) => s.map((d) => (d < 0 ? '?' : d)).join('×');

/**
 * The Model Explorer: model files found by content (TF.js JSON, ONNX) → layers (type, output shape,
 * parameters, from the engine) → channels of conv layers. Refreshes when JSON, weight or .onnx files change.
 */
export class ModelExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly infos = new Map<string, Promise<ModelInfoResult>>();
  private models: Promise<vscode.Uri[]> | undefined;
  private readonly watcher: vscode.FileSystemWatcher;

  constructor(private readonly engine: EngineClient) {
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*.{json,bin,onnx}');
    for (const event of [this.watcher.onDidChange, this.watcher.onDidCreate, this.watcher.onDidDelete]) event(() => this.refresh());
  }

  refresh(): void {
    this.models = undefined;
    this.infos.clear();
    this.changed.fire(undefined);
  }

  /** The model files, found once per refresh. */
  modelFiles(): Promise<vscode.Uri[]> {
    this.models ??= findModelFiles();
    return this.models;
  }

  info(model: string): Promise<ModelInfoResult> {
    let info = this.infos.get(model);
    if (!info) {
      info = this.engine.request(EngineRequests.modelInfo, { model });
      info.catch(() => this.infos.delete(model));
      this.infos.set(model, info);
    }
    return info;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      const files = await this.modelFiles();
      return files.length ? files.map((f) => ({ kind: 'model', model: f.fsPath })) : [{ kind: 'message', text: 'No model (TF.js model.json or .onnx) in this workspace' }];
    }
    if (node.kind === 'model') {
      try {
        const info = await this.info(node.model);
        return info.layers.map((layer) => ({ kind: 'layer', model: node.model, layer }));
      } catch (e) {
        return [{ kind: 'message', text: e instanceof Error ? e.message : String(e) }];
      }
    }
    if (node.kind === 'layer' && node.layer.isConv) {
      const channels = node.layer.outputShape[node.layer.outputShape.length - 1] ?? 0;
      return Array.from({ length: channels }, (_, channel) => ({ kind: 'channel', model: node.model, layer: node.layer, channel }));
    }
    return [];
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'model': {
        const item = new vscode.TreeItem(modelName(node.model), vscode.TreeItemCollapsibleState.Collapsed);
        item.description = vscode.workspace.asRelativePath(node.model);
        item.tooltip = node.model;
        item.contextValue = 'convscope.model';
        item.iconPath = new vscode.ThemeIcon('circuit-board');
        item.resourceUri = vscode.Uri.file(node.model);
        return item;
      }
      case 'layer': {
        const l = node.layer;
        const item = new vscode.TreeItem(l.name, l.isConv ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = `${l.type} ${shape(l.outputShape)} · ${l.params.toLocaleString('en')} params${l.activation ? ` · ${l.activation}` : ''}`;
        const rf = l.receptiveField && !l.receptiveField.global ? `\nreceptive field ${shape(l.receptiveField.size)}, stride ${shape(l.receptiveField.stride)}` : '';
        item.tooltip = `${l.name}: ${l.type}\noutput ${shape(l.outputShape)}\n${l.params} parameters${rf}`;
        item.contextValue = l.isConv ? 'convscope.convLayer' : l.outputShape.length === 3 ? 'convscope.spatialLayer' : 'convscope.layer';
        item.iconPath = new vscode.ThemeIcon(l.isConv ? 'symbol-array' : 'symbol-field');
        return item;
      }
      case 'channel': {
        const item = new vscode.TreeItem(`channel ${node.channel}`, vscode.TreeItemCollapsibleState.None);
        item.contextValue = 'convscope.channel';
        item.iconPath = new vscode.ThemeIcon('symbol-number');
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
