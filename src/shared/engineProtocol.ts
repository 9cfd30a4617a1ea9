// The host ↔ engine link (JSON-RPC over the child's IPC channel). Both the extension host and the
// engine child import this file. Every request and notification is a typed object (as
// vscode-languageserver-protocol does): `sendRequest(EngineRequests.predict, params)` checks the
// params and gives the result type on both sides, and no call site spells a method name. The
// only runtime code is vscode-jsonrpc's small RequestType/NotificationType classes.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { CostPlan, MethodInfo } from './methodSchema';
import type { StyleApplyParams, StyleApplyResult, StyleTrainParams, StyleTrainResult } from './styleNetworkProtocol';
import type { SynthesisParams, SynthesisResult } from './synthesisProtocol';
import type { FolderRunParams, FolderRunResult } from './folderProtocol';

export type { StyleApplyParams, StyleApplyResult, StyleTrainParams, StyleTrainResult } from './styleNetworkProtocol';
export type { EmbedRunResult, FeaturesRunResult, FolderItem, FolderRunParams, FolderRunResult, NeighborsRunResult, PatchesRunResult, PixelBox } from './folderProtocol';
export type { SynthesisConfig, SynthesisCurvePoint, SynthesisParams, SynthesisResult } from './synthesisProtocol';

export const EngineRequests = {
  modelInfo: new RequestType<ModelParams, ModelInfoResult, void>('model/info'),
  predict: new RequestType<PredictParams, PredictResult, void>('model/predict'),
  filters: new RequestType<FiltersParams, FiltersResult, void>('model/filters'),
  activations: new RequestType<ActivationsParams, ActivationsResult, void>('model/activations'),
  saliencyPlan: new RequestType<SaliencyParams, SaliencyPlanResult, void>('saliency/plan'),
  saliency: new RequestType<SaliencyParams, SaliencyResult, void>('saliency/run'),
  /** What a synthesis will cost (passes per step × steps), before it runs. */
  synthesisPlan: new RequestType<SynthesisParams, CostPlan, void>('synthesis/plan'),
  /** Runs a synthesis (class/channel visualization, inversion, DeepDream); previews stream meanwhile, a stop answers with the image so far. */
  synthesize: new RequestType<SynthesisParams, SynthesisResult, void>('synthesis/run'),
  /** A trained style network on a photo: one forward pass, the stylized image as a PNG. */
  styleApply: new RequestType<StyleApplyParams, StyleApplyResult, void>('style/apply'),
  /** Trains a style network (previews: each step's losses, each checkpoint's look); stop ends after the step and keeps a checkpoint, cancel keeps the last one. */
  styleTrain: new RequestType<StyleTrainParams, StyleTrainResult, void>('style/train'),
  /** What a folder method will cost, and how many images the folder holds, before it runs. */
  folderPlan: new RequestType<FolderRunParams, CostPlan & { images: number; total: number }, void>('folder/plan'),
  /** Features, neighbours, a 2-D map or max-activating patches over a folder; progress counts images; stop answers with what is done. */
  folderRun: new RequestType<FolderRunParams, FolderRunResult, void>('folder/run'),
  status: new RequestType<Record<string, never>, StatusResult, void>('engine/status'),
  /** Ends a running job early: its request then answers with the partial result (cancel discards it). */
  stop: new RequestType<StopParams, StopResult, void>('job/stop'),
  shutdown: new RequestType0<null, void>('engine/shutdown'),
} as const;

/** A request of the engine that takes params P and answers R. */
export type EngineRequest<P, R> = RequestType<P, R, void>;

export const EngineNotifications = {
  /** Sent once by the engine when its backend is up. */
  ready: new NotificationType<ReadyParams>('engine/ready'),
  /** Progress of a running request, identified by the jobId the host gave it. */
  progress: new NotificationType<ProgressParams>('engine/progress'),
  /** A throttled look at a long job's running result (an image and scalars), by jobId. */
  preview: new NotificationType<PreviewParams>('engine/preview'),
} as const;

/** JSON-RPC error codes the engine uses (besides the standard ones). */
export const EngineErrorCodes = {
  /** The user's input is wrong (file, layer name, option): show the message as is. Outside the
   *  JSON-RPC reserved range, like the CLI's exit code 2. */
  userError: 2,
  /** The request was cancelled (same as LSP's RequestCancelled). */
  cancelled: -32800,
} as const;

export interface ReadyParams {
  backend: string;
  backendPackage: string;
  tfjs: string;
  node: string;
  pid: number;
  /** Why faster backends did not load, one line each. */
  skipped: string[];
  /** Set when ConvScope's wasm kernels failed the start-up self-check and the stock ones run. */
  kernelWarning?: string;
}

/** Memory of the engine process, for the status bar tooltip. */
export interface StatusResult {
  rssBytes: number;
  tensors: number;
  tensorBytes: number;
  modelsLoaded: number;
}

export interface ProgressParams {
  jobId: string;
  fraction: number;
  message: string;
}

export interface PreviewParams {
  jobId: string;
  /** The running result's map as a small colormapped base64 PNG, when the job has one. */
  pngBase64?: string;
  /** Running numbers by name (samples done, partial Σ attribution…). */
  scalars: Record<string, number>;
  step: number;
  of: number;
}

export interface StopParams {
  jobId: string;
}

export interface StopResult {
  /** False when no running job has that id (finished already, or never started). */
  stopped: boolean;
}

/** Every long request carries a jobId so progress can be routed back to its window. */
export interface JobParams {
  jobId?: string;
}

export interface ModelParams extends JobParams {
  /** Absolute path of model.json. */
  model: string;
}

export interface ImageParams extends ModelParams {
  /** Absolute path of the image file. */
  image: string;
}

/**
 * Receptive field of a layer's units in input pixels, per axis [rows, cols]: `size`, `stride`
 * between adjacent units, `start` = centre of the first unit's field; `global` past Flatten/GAP.
 */
export interface ReceptiveField {
  size: [number, number];
  stride: [number, number];
  start: [number, number];
  global: boolean;
}

/** One row of a model's layer table (engine `info`, Model Explorer, panels' layer pickers). */
export interface LayerInfo {
  name: string;
  /** Keras class name: Conv2D, Dense, MaxPooling2D… */
  type: string;
  /** Output shape without the batch dimension. */
  outputShape: number[];
  params: number;
  /** Activation fused into the layer, if any ('relu', 'softmax'…). */
  activation?: string;
  /** Conv-type layers have kernels to show and channels to pick. */
  isConv: boolean;
  receptiveField?: ReceptiveField;
}

export interface ModelInfoResult {
  file: string;
  kind: 'layers' | 'graph' | 'onnx' | 'keras';
  inputShape: { height: number; width: number; channels: number };
  numClasses: number;
  labels?: string[];
  hideClasses: boolean;
  description?: string;
  layers: LayerInfo[];
  backend: string;
  /** The engine's saliency methods, from their descriptors; always sent by the engine, optional here so fakes need not. */
  methods?: SaliencyMethodInfo[];
  /** The engine's synthesis methods (visualize, invert, dream), from their descriptors; optional here so fakes need not. */
  synthesisMethods?: Array<MethodInfo & { needsImage?: boolean }>;
  /** The engine's folder methods (features, neighbors, embed, patches), from their descriptors; optional here so fakes need not. */
  folderMethods?: MethodInfo[];
  /** Always sent by the engine (empty when none), as on SaliencyResult; optional here so fakes need not. */
  warnings?: string[];
}

/** A saliency method as the host sees it, with what a run at its default options costs on this model. */
export interface SaliencyMethodInfo extends MethodInfo {
  /** Absent when the defaults do not fit this model (e.g. an occlusion window larger than the input). */
  defaultCost?: CostPlan;
}

export interface ClassScore {
  index: number;
  label?: string;
  probability: number;
  logit: number;
}

export interface PredictParams extends ImageParams {
  topK?: number;
}

export interface PredictResult {
  top: ClassScore[];
  backend: string;
  /** Always sent by the engine (empty when none), as on SaliencyResult; optional here so fakes need not. */
  warnings?: string[];
}

export type FilterMode = 'auto' | 'rgb' | 'mean' | 'per-input';

export interface FiltersParams extends ModelParams {
  layer?: string;
  mode?: FilterMode;
}

export interface FiltersResult {
  layer: string;
  /** [kh, kw, in, out] */
  kernelShape: number[];
  rgb: boolean;
  mode: FilterMode;
  /** The grid as a base64 PNG. */
  png: string;
  /** One base64 PNG per output filter (for zooming on one), same rendering as the grid's tiles. */
  tiles: string[];
  backend: string;
  /** Always sent by the engine (empty when none), as on SaliencyResult; optional here so fakes need not. */
  warnings?: string[];
}

export interface ActivationsParams extends ImageParams {
  layer: string;
}

export interface ChannelActivation {
  channel: number;
  mean: number;
  max: number;
  /** The channel's map as a base64 PNG (colormapped, min..max of this channel). */
  png: string;
}

export interface ActivationsResult {
  layer: string;
  /** [1, H, W, C] or [1, C] */
  shape: number[];
  channels: ChannelActivation[];
  backend: string;
  /** Always sent by the engine (empty when none), as on SaliencyResult; optional here so fakes need not. */
  warnings?: string[];
}

/** A registered method's name (ModelInfoResult.methods lists them); the engine refuses unknown ones. */
export type SaliencyMethodName = string;

export type TargetSpec = { kind: 'class'; index?: number } | { kind: 'neuron'; layer: string; channel: number };

/** Options by name, as the method's descriptor declares them (checked by the engine against its schema). */
export interface SaliencyOptions {
  /** Bytes one batch may use (the CLI's --memory-budget); results do not depend on it. */
  memoryBudgetBytes?: number;
  [option: string]: number | string | readonly string[] | undefined;
}

export type ColormapName = 'viridis' | 'inferno' | 'magma' | 'gray' | 'coolwarm';

export interface SaliencyParams extends ImageParams {
  method: SaliencyMethodName;
  target?: TargetSpec;
  options?: SaliencyOptions;
  colormap?: ColormapName;
  opacity?: number;
}

export interface SaliencyPlanResult {
  forwardPasses: number;
  backwardPasses: number;
  summary: string;
}

export interface SaliencyResult {
  method: SaliencyMethodName;
  target: { kind: 'class'; index: number; label?: string } | { kind: 'neuron'; layer: string; channel: number };
  /** Base64 PNGs: the map over the image, the map alone, and the image as the model sees it. */
  overlayPng: string;
  heatmapPng: string;
  signedMap: boolean;
  /** The raw map [H, W] for export. */
  map: { shape: number[]; data: number[] };
  details: Record<string, number | number[] | string>;
  /** What the user should know about this result, one sentence each (e.g. attributions
   *  that miss completeness by more than 5 %); empty when nothing. Shown as text, never as HTML. */
  warnings: string[];
  elapsedMs: number;
  backend: string;
}
