// The Neighbours panel's side of the host ↔ webview link (the common messages and PanelState are in
// webviewProtocol.ts). Types only: both the host and the browser bundle import this file.
import type { LayerInfo } from './engineProtocol';
import type { NeighborsView } from './folderPanelViews';
import type { CommonFromWebview, CommonToWebview, PanelState, ViewIntent } from './webviewProtocol';

/** One image as the webview shows it: `src` is the host's webview URI of the file (never a raw path). */
export interface NeighborTile {
  path: string;
  /** The file name, shown as text (escaped by the DOM, never parsed as HTML). */
  name: string;
  /** Workspace-relative, for the tooltip. */
  relativePath: string;
  label: string;
  distance: number;
  src: string;
}

/** One way of measuring: its title ("features: fc1 (cosine)", "pixels (cosine)") and its tiles, nearest first. */
export interface NeighborRow {
  space: 'features' | 'pixels';
  title: string;
  tiles: NeighborTile[];
}

/** A result as the webview draws it. */
export interface NeighborsShown {
  query: { path: string; name: string; relativePath: string; src: string };
  /** The query's label (its subfolder in the image folder); absent: unknown, nothing is marked. */
  queryLabel?: string;
  rows: NeighborRow[];
  layer: string;
  metric: string;
  used: number;
  total: number;
  computed: number;
  cached: number;
  skipped: number;
  stopped: boolean;
  warnings: string[];
  elapsedMs: number;
}

export type NeighborsToWebview =
  | CommonToWebview
  | {
      type: 'neighborsInit';
      state: PanelState;
      view: NeighborsView;
      modelName: string;
      /** The query image (absent: choose one); the image folder, workspace-relative. */
      query?: { name: string; relativePath: string; src: string };
      folder?: string;
      /** Layers a feature vector can be read from ('' in the picker: the engine's default). */
      layers: LayerInfo[];
      backend: string;
    }
  /** The cost before a run: how many images the folder holds and the model passes. */
  | { type: 'plan'; images: number; total: number; summary: string }
  | { type: 'runStarted' }
  | { type: 'neighbors'; result: NeighborsShown }
  /** For Export PNG: the images of the result as data: URLs (a canvas may draw those; webview URIs would taint it). */
  | { type: 'drawFigure'; images: Record<string, string> }
  | { type: 'exported'; format: 'png' | 'csv' | 'json'; path: string };

export type NeighborsIntent =
  | { type: 'run'; view: NeighborsView; layer: string }
  | { type: 'stop' }
  | { type: 'openImage'; path: string }
  | { type: 'pickFolder' }
  | { type: 'pickQuery' }
  | { type: 'export'; format: 'png' | 'csv' | 'json' }
  /** The figure the webview drew after 'drawFigure': a base64 PNG to write. */
  | { type: 'exportFigure'; png: string };

export type NeighborsFromWebview = CommonFromWebview | ViewIntent<NeighborsView> | NeighborsIntent;
