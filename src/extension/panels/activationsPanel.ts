import * as path from 'node:path';
import type * as vscode from 'vscode';
import { EngineRequests, type ActivationsParams, type ActivationsResult, type ModelInfoResult, type ModelParams, type ProgressParams, type SaliencyParams, type SaliencyResult } from '../../shared/engineProtocol';
import type { ActivationsIntent, ActivationsToWebview, NeuronMethod, PanelState } from '../../shared/webviewProtocol';
import { PanelBase, type PanelServices } from './panelBase';
import { assertNever, channelLayers, modelName, pickActivationLayer, readImageDataUrl, viewOf } from './panelData';

type OnProgress = (p: ProgressParams) => void;
const noImage = 'No image: run "ConvScope: Show Activations" and choose an image.';

/** One image's per-channel maps at a layer; a channel large with its neuron saliency. */
export class ActivationsPanel extends PanelBase<ActivationsToWebview, ActivationsIntent> {
  private activations: { key: string; result: ActivationsResult } | undefined;
  private neuron: { key: string; result: SaliencyResult } | undefined;

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: PanelState, onClosed: () => void) {
    super(panel, services, state, onClosed);
  }

  protected async onReady(): Promise<void> {
    const { model, image, layer, channel } = this.state;
    const view = viewOf(this.state, 'activations');
    const info = this.knownModelInfo();
    const maps = layer && image && this.activations?.key === activationsKey(model, image, layer) ? this.activations.result : undefined;
    const neuron = channel === undefined ? undefined : this.neuron?.key === this.neuronKey(layer ?? '', channel, view.neuronMethod) ? this.neuron.result : undefined;
    if (info && maps && (channel === undefined || neuron)) {
      await this.postInit(info);
      this.post({ type: 'activations', result: maps });
      if (neuron && layer && channel !== undefined) this.post({ type: 'neuronSaliency', layer, channel, method: view.neuronMethod, result: neuron });
      return;
    }
    await this.job(`Activations · ${modelName(model)}`, async (signal, onProgress) => {
      const fresh = await this.fetchModelInfo(signal, onProgress);
      const chosen = await this.postInit(fresh);
      if (!image) throw new Error(noImage);
      if (!chosen) throw new Error(`${modelName(model)} has no layer with activations to show.`);
      const result = await this.loadActivations(chosen, signal, onProgress);
      const selected = this.state.channel;
      if (selected !== undefined && result.channels.some((c) => c.channel === selected)) await this.loadNeuron(chosen, selected, view.neuronMethod, signal, onProgress);
    });
  }

  protected async onMessage(message: ActivationsIntent): Promise<void> {
    switch (message.type) {
      case 'showActivations':
        await this.job(`Activations of ${message.layer}`, (signal, onProgress) => this.loadActivations(message.layer, signal, onProgress));
        return;
      case 'selectChannel':
        if (message.layer === this.state.layer) this.state = { ...this.state, channel: message.channel };
        return;
      case 'neuronSaliency':
        this.state = { ...this.state, layer: message.layer, channel: message.channel, view: { ...viewOf(this.state, 'activations'), neuronMethod: message.method } };
        await this.job(`Saliency of ${message.layer} channel ${message.channel}`, (signal, onProgress) => this.loadNeuron(message.layer, message.channel, message.method, signal, onProgress));
        return;
      default:
        return assertNever(message);
    }
  }

  /** Fixes the layer (the one asked for if the model has it), sends the pickers; returns the layer. */
  private async postInit(info: ModelInfoResult): Promise<string | undefined> {
    const { model, image } = this.state;
    const layer = pickActivationLayer(info.layers, this.state.layer);
    if (layer !== this.state.layer) this.state = { ...this.state, layer, channel: undefined };
    const imageDataUrl = image ? await readImageDataUrl(image) : undefined;
    this.post({ type: 'activationsInit', state: this.state, view: viewOf(this.state, 'activations'), modelName: modelName(model), imageName: image ? path.basename(image) : '', imageDataUrl, layers: channelLayers(info.layers), backend: info.backend });
    return layer;
  }

  private async loadActivations(layer: string, signal: AbortSignal, onProgress: OnProgress): Promise<ActivationsResult> {
    const { model, image } = this.state;
    if (!image) throw new Error(noImage);
    const key = activationsKey(model, image, layer);
    let result = this.activations?.key === key ? this.activations.result : undefined;
    if (!result) {
      result = await this.services.engine.request(EngineRequests.activations, { model, image, layer }, { signal, onProgress });
      this.activations = { key, result };
    }
    if (layer !== this.state.layer) this.state = { ...this.state, layer, channel: undefined };
    this.post({ type: 'activations', result });
    return result;
  }

  private async loadNeuron(layer: string, channel: number, method: NeuronMethod, signal: AbortSignal, onProgress: OnProgress): Promise<void> {
    const { model, image } = this.state;
    if (!image) throw new Error(noImage);
    const key = this.neuronKey(layer, channel, method);
    let result = this.neuron?.key === key ? this.neuron.result : undefined;
    if (!result) {
      const params: SaliencyParams = { model, image, method, target: { kind: 'neuron', layer, channel }, colormap: this.services.settings().colormap, opacity: 0.5 };
      result = await this.services.engine.request(EngineRequests.saliency, params, { signal, onProgress });
      this.neuron = { key, result };
    }
    this.post({ type: 'neuronSaliency', layer, channel, method, result });
  }

  private neuronKey(layer: string, channel: number, method: NeuronMethod): string {
    return JSON.stringify([this.state.model, this.state.image, layer, channel, method, this.services.settings().colormap]);
  }
}

function activationsKey(model: string, image: string, layer: string): string {
  return JSON.stringify([model, image, layer]);
}
