import type * as vscode from 'vscode';
import { EngineRequests, type FilterMode, type FiltersParams, type FiltersResult, type ModelInfoResult, type ProgressParams } from '../../shared/engineProtocol';
import type { FiltersIntent, FiltersToWebview, PanelState } from '../../shared/webviewProtocol';
import { PanelBase, type PanelServices } from './panelBase';
import { assertNever, filterLayers, modelName, viewOf } from './panelData';

/** A conv layer's filters as a grid, one filter large; layer and mode pickers. */
export class FiltersPanel extends PanelBase<FiltersToWebview, FiltersIntent> {
  private grid: { key: string; result: FiltersResult } | undefined;

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: PanelState, onClosed: () => void) {
    super(panel, services, state, onClosed);
  }

  protected async onReady(): Promise<void> {
    const { model } = this.state;
    const view = viewOf(this.state, 'filters');
    const info = this.knownModelInfo();
    const grid = this.grid?.key === gridKey(model, this.state.layer, view.mode) ? this.grid.result : undefined;
    if (info && grid) {
      this.postInit(info);
      this.post({ type: 'filters', result: grid });
      return;
    }
    await this.job(`Filters of ${modelName(model)}`, async (signal, onProgress) => {
      const fresh = await this.fetchModelInfo(signal, onProgress);
      const layers = this.postInit(fresh);
      if (layers.length === 0) throw new Error(`${modelName(model)} has no convolution layer with filters to show.`);
      await this.load(this.state.layer, view.mode, signal, onProgress);
    });
  }

  protected async onMessage(message: FiltersIntent): Promise<void> {
    switch (message.type) {
      case 'showFilters':
        await this.job(`Filters of ${message.layer}`, (signal, onProgress) => this.load(message.layer, message.mode, signal, onProgress));
        return;
      default:
        return assertNever(message.type);
    }
  }

  /** Sends the pickers; a layer the model lacks (or that has no kernel) falls back to the engine's default. */
  private postInit(info: ModelInfoResult) {
    const layers = filterLayers(info.layers);
    if (this.state.layer && !layers.some((l) => l.name === this.state.layer)) this.state = { ...this.state, layer: undefined };
    this.post({ type: 'filtersInit', state: this.state, view: viewOf(this.state, 'filters'), modelName: modelName(this.state.model), description: info.description, layers, backend: info.backend });
    return layers;
  }

  private async load(layer: string | undefined, mode: FilterMode, signal: AbortSignal, onProgress: (p: ProgressParams) => void): Promise<void> {
    const { model } = this.state;
    let result = this.grid?.key === gridKey(model, layer, mode) ? this.grid.result : undefined;
    if (!result) {
      result = await this.services.engine.request(EngineRequests.filters, { model, layer, mode }, { signal, onProgress });
      // The engine resolves a missing layer to the first conv layer: remember that one.
      this.grid = { key: gridKey(model, result.layer, mode), result };
    }
    this.state = { ...this.state, layer: result.layer, view: { ...viewOf(this.state, 'filters'), mode } };
    this.post({ type: 'filters', result });
  }
}

function gridKey(model: string, layer: string | undefined, mode: FilterMode): string {
  return JSON.stringify([model, layer ?? null, mode]);
}
