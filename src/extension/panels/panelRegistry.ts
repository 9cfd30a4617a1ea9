import * as path from 'node:path';
import * as vscode from 'vscode';
import { panelKinds, panelTitle, viewType } from '../../shared/panelKinds';
import type { PanelState } from '../../shared/webviewProtocol';
import type { PanelServices } from './panelBase';
import { panelClasses, type AnyPanel } from './panelClasses';

/**
 * One panel per (kind, model): showing a kind for a model that already has one reuses it (and
 * points it at the new image or layer) instead of piling up tabs. Panels survive a window reload
 * through a serializer per kind.
 */
export class PanelRegistry implements vscode.Disposable {
  private readonly open = new Map<string, AnyPanel>();
  private readonly serializers: vscode.Disposable[];

  constructor(private readonly services: PanelServices) {
    this.serializers = panelKinds.map(({ kind }) =>
      vscode.window.registerWebviewPanelSerializer(viewType(kind), {
        deserializeWebviewPanel: async (panel, state: PanelState | undefined) => {
          if (!state?.model) {
            panel.dispose();
            return;
          }
          this.adopt(panel, { ...state, kind });
        },
      }),
    );
  }

  async show(state: PanelState): Promise<void> {
    const existing = this.open.get(key(state));
    if (existing) return existing.retarget(state);
    const panel = vscode.window.createWebviewPanel(viewType(state.kind), `${panelTitle(state.kind)} · ${modelName(state.model)}`, vscode.ViewColumn.Beside, {});
    this.adopt(panel, state);
  }

  /** The open panel of `kind` for `model`, if any (a command that changes more than the panel's image or layer talks to it directly). */
  find(kind: PanelState['kind'], model: string): AnyPanel | undefined {
    return this.open.get(key({ kind, model }));
  }

  dispose(): void {
    for (const p of [...this.open.values()]) p.dispose();
    this.serializers.forEach((s) => s.dispose());
  }

  private adopt(panel: vscode.WebviewPanel, state: PanelState): void {
    const k = key(state);
    const instance = new panelClasses[state.kind](panel, this.services, state, () => {
      if (this.open.get(k) === instance) this.open.delete(k);
    });
    this.open.set(k, instance);
  }
}

function key(state: PanelState): string {
  return `${state.kind}:${state.model}`;
}

/** mnist-cnn for …/mnist-cnn/model.json; the file name when it is not model.json. */
export function modelName(modelFile: string): string {
  const base = path.basename(modelFile);
  return base === 'model.json' ? path.basename(path.dirname(modelFile)) : base.replace(/\.json$/i, '');
}
