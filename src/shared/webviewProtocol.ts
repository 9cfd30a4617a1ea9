// The host ↔ webview link: one discriminated union per direction and panel kind. Plain types
// only; both the extension host and the browser bundles import this file.
import type { ActivationsResult, ClassScore, ColormapName, FilterMode, FiltersResult, LayerInfo, SaliencyMethodName, SaliencyPlanResult, SaliencyResult, TargetSpec } from './engineProtocol';

export type PanelKind = 'filters' | 'activations' | 'saliency';

/** What a panel keeps across a window reload (webview getState/setState + serializer). */
export interface PanelState {
  kind: PanelKind;
  model: string;
  image?: string;
  layer?: string;
  /** Activations panel: the channel to select (neuron saliency from the Model Explorer). */
  channel?: number;
}

/** Messages every panel understands. */
export type CommonToWebview =
  | { type: 'busy'; message: string; fraction?: number }
  | { type: 'idle' }
  | { type: 'error'; message: string };

export type CommonFromWebview = { type: 'ready' } | { type: 'cancel' };

// Filters panel
export type FiltersToWebview =
  | CommonToWebview
  | { type: 'filtersInit'; state: PanelState; modelName: string; layers: LayerInfo[]; backend: string }
  | { type: 'filters'; result: FiltersResult };
export type FiltersFromWebview = CommonFromWebview | { type: 'showFilters'; layer: string; mode: FilterMode };

// Activations panel
export type ActivationsToWebview =
  | CommonToWebview
  | { type: 'activationsInit'; state: PanelState; modelName: string; imageName: string; layers: LayerInfo[]; backend: string }
  | { type: 'activations'; result: ActivationsResult }
  | { type: 'neuronSaliency'; layer: string; channel: number; result: SaliencyResult };
export type ActivationsFromWebview = CommonFromWebview | { type: 'showActivations'; layer: string } | { type: 'neuronSaliency'; layer: string; channel: number };

// Saliency panel
export type SaliencyToWebview =
  | CommonToWebview
  | { type: 'saliencyInit'; state: PanelState; modelName: string; imageName: string; imageDataUrl: string; predictions: ClassScore[]; hideClasses: boolean; methods: SaliencyMethodName[]; colormap: ColormapName; layers: LayerInfo[]; backend: string }
  | { type: 'plan'; method: SaliencyMethodName; plan: SaliencyPlanResult }
  | { type: 'saliency'; result: SaliencyResult }
  | { type: 'exported'; path: string };
export type SaliencyFromWebview =
  | CommonFromWebview
  | { type: 'plan'; method: SaliencyMethodName }
  | { type: 'run'; methods: SaliencyMethodName[]; target: TargetSpec; colormap: ColormapName; opacity: number }
  | { type: 'export'; format: 'png' | 'json'; method: SaliencyMethodName };
