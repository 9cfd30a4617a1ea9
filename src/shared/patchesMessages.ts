// The Max-activating patches panel's side of the host ↔ webview link (the common messages and
// PanelState are in webviewProtocol.ts). Types only: both the host and the browser bundle import it.
import type { LayerInfo, PixelBox } from './engineProtocol';
import type { PatchesView } from './folderPanelViews';
import type { CommonFromWebview, CommonToWebview, PanelState, ViewIntent } from './webviewProtocol';

/** One patch as the webview shows it: crop and guided backprop (base64 PNGs), and its source image by webview URI. */
export interface PatchTile {
  path: string;
  name: string;
  relativePath: string;
  label: string;
  value: number;
  row: number;
  col: number;
  /** In the source image's pixels: what the large view draws over the image. */
  imageBox: PixelBox;
  cropPng: string;
  guidedPng: string;
  src: string;
}

export interface PatchesShown {
  layer: string;
  channel: number;
  receptiveField: { size: [number, number]; stride: [number, number] };
  patches: PatchTile[];
  used: number;
  total: number;
  computed: number;
  cached: number;
  skipped: number;
  stopped: boolean;
  warnings: string[];
  elapsedMs: number;
}

export type PatchesToWebview =
  | CommonToWebview
  | {
      type: 'patchesInit';
      state: PanelState;
      view: PatchesView;
      modelName: string;
      folder?: string;
      /** Layers with spatial extent (a channel's peaks have a place). */
      layers: LayerInfo[];
      backend: string;
    }
  | { type: 'plan'; images: number; total: number; summary: string }
  | { type: 'runStarted' }
  | { type: 'patches'; result: PatchesShown }
  | { type: 'exported'; format: 'png' | 'json'; path: string };

export type PatchesIntent =
  | { type: 'run'; layer: string; channel: number; top: number }
  | { type: 'stop' }
  | { type: 'openImage'; path: string }
  | { type: 'pickFolder' }
  | { type: 'export'; format: 'png' | 'json' };

export type PatchesFromWebview = CommonFromWebview | ViewIntent<PatchesView> | PatchesIntent;
