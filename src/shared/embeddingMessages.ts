// The Embedding map panel's end of the host ↔ webview link (one union per direction, as
// webviewProtocol.ts has for the other panels). Types only.
import type { LayerInfo } from './engineProtocol';
import type { EmbeddingView } from './embeddingView';
import type { CostPlan, MethodInfo } from './methodSchema';
import type { CommonFromWebview, CommonToWebview, OptionValues, PanelState, ViewIntent } from './webviewProtocol';

export type { EmbeddingView };

/** One image of a map as the webview draws it. */
export interface EmbeddingPoint {
  /** Absolute path: what a click sends back (Find Similar Images). */
  path: string;
  /** Path inside the folder, for the tooltip and exports. */
  name: string;
  label: string;
  x: number;
  y: number;
  /** The image as the webview may load it (webview.asWebviewUri; the folder is a local resource root). */
  src: string;
}

/** A finished (or stopped) map, with what the run says about itself. */
export interface EmbeddingMap {
  /** 'pca' | 'tsne' | 'umap' */
  embedding: string;
  layer: string;
  space: string;
  dim: number;
  points: EmbeddingPoint[];
  /** PCA: the fraction of the variance each axis explains. */
  explainedVariance?: number[];
  used: number;
  total: number;
  computed: number;
  cached: number;
  skipped: Array<{ path: string; reason: string }>;
  warnings: string[];
  stopped: boolean;
  elapsedMs: number;
  backend: string;
}

/** What Run and the cost line send: the embed method's options and the sample size. */
export interface EmbeddingRequest {
  options: OptionValues;
  limit?: number;
}

export type EmbeddingToWebview =
  | CommonToWebview
  | {
      type: 'embeddingInit';
      state: PanelState;
      view: EmbeddingView;
      modelName: string;
      /** The folder as shown (workspace-relative), empty when none is chosen. */
      folderPath: string;
      /** The engine's embed method: option schemas for the controls (absent: the engine has none). */
      method?: MethodInfo;
      optionDefaults: OptionValues;
      layers: LayerInfo[];
      backend: string;
    }
  /** The cost and image count of `request` (echoed, so a stale answer is recognised). */
  | { type: 'plan'; request: EmbeddingRequest; plan: CostPlan & { images: number; total: number } }
  | { type: 'planError'; request: EmbeddingRequest; message: string }
  | { type: 'runStarted'; request: EmbeddingRequest }
  | { type: 'embedding'; map: EmbeddingMap }
  | { type: 'exported'; path: string };

export type EmbeddingIntent =
  | { type: 'requestPlan'; request: EmbeddingRequest }
  | { type: 'run'; request: EmbeddingRequest }
  /** Ends the run early; the map of the images done so far is shown (Cancel discards it). */
  | { type: 'stop' }
  /** Choose another image folder (dialog on the host). */
  | { type: 'pickFolder' }
  /** A point was clicked: Find Similar Images for it. */
  | { type: 'findSimilar'; path: string }
  /** The chart as drawn (a base64 PNG from canvas.toDataURL): saved where the user says. */
  | { type: 'exportPng'; pngBase64: string }
  | { type: 'exportData'; format: 'csv' | 'json' }
  /** A programmatic pan's frame intervals and chart redraw times (the e2e test records them; logged to the output channel). */
  | { type: 'frameTimes'; points: number; frames: number; medianMs: number; p95Ms: number; drawMedianMs: number; drawP95Ms: number };

export type EmbeddingFromWebview = CommonFromWebview | ViewIntent<EmbeddingView> | EmbeddingIntent;
