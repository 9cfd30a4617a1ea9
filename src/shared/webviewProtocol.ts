// The host ↔ webview link: one discriminated union per direction and panel kind. Types plus two
// constant tables; both the extension host and the browser bundles import this file, so it must
// never import runtime code.
import type { ActivationsResult, ClassScore, ColormapName, FilterMode, FiltersResult, LayerInfo, PreviewParams, SaliencyMethodInfo, SaliencyMethodName, SaliencyOptions, SaliencyPlanResult, SaliencyResult, SynthesisResult, TargetSpec } from './engineProtocol';
import type { CostPlan, MethodInfo } from './methodSchema';
import type { PanelKind } from './panelKinds';
import type { NeighborsView, PatchesView } from './folderPanelViews';
import type { EmbeddingView } from './embeddingView';

/** The kinds come from the one table in panelKinds.ts; re-exported for the files that import them from here. */
export type { PanelKind };

/** How the activations panel orders its channel tiles. */
export type ChannelOrder = 'mean' | 'channel';
/** The gradient methods offered for a neuron's saliency in the activations panel. */
export type NeuronMethod = 'guided' | 'vanilla';
/** A colormap, or 'auto': the engine's pick (coolwarm for signed maps, inferno otherwise). */
export type ColormapChoice = ColormapName | 'auto';

/** View choices of each panel kind, kept across reloads; the host stores them, the engine never sees them. */
export interface FiltersView {
  kind: 'filters';
  mode: FilterMode;
  /** The filter shown large, if any. */
  filter?: number;
}
export interface ActivationsView {
  kind: 'activations';
  order: ChannelOrder;
  neuronMethod: NeuronMethod;
}
export interface SaliencyView {
  kind: 'saliency';
  /** The methods compared side by side (one result per method). */
  methods: SaliencyMethodName[];
  /** The explained target; absent: the top class. */
  target?: TargetSpec;
  opacity: number;
  colormap: ColormapChoice;
  /** The user's option values per method (valid ones only); an option absent here takes the extension's default. */
  options?: Record<SaliencyMethodName, SaliencyOptions>;
}
/** One method's option values as a panel sends them: numbers, strings, and lists of layer names. */
export type OptionValues = Record<string, number | string | readonly string[]>;
export interface SynthesisView {
  kind: 'synthesis';
  /** The synthesis method on show (a descriptor's name: visualize, invert, dream). */
  method: string;
  /** The user's option values per method (valid ones only); an option absent here takes the method's default. */
  options?: Record<string, OptionValues>;
}
export type PanelView = FiltersView | ActivationsView | SaliencyView | SynthesisView | EmbeddingView | NeighborsView | PatchesView;

/** What a panel keeps across a window reload (webview getState/setState + serializer). */
export interface PanelState {
  kind: PanelKind;
  model: string;
  image?: string;
  layer?: string;
  /** Activations panel: the selected channel (shown large, with its neuron saliency). */
  channel?: number;
  view?: PanelView;
}

export const colormapList: readonly ColormapName[] = Object.keys({ viridis: 0, inferno: 0, magma: 0, gray: 0, coolwarm: 0 } satisfies Record<ColormapName, 0>) as ColormapName[];

/** Messages every panel understands. */
export type CommonToWebview =
  | { type: 'busy'; message: string; fraction?: number }
  | { type: 'idle' }
  | { type: 'error'; message: string };

export type CommonFromWebview = { type: 'ready' } | { type: 'cancel' };

/** A view choice changed in the webview (picker, order…): the host keeps it in the panel's state. */
export type ViewIntent<V extends PanelView> = { type: 'view'; view: V };

// Filters panel
export type FiltersToWebview =
  | CommonToWebview
  | { type: 'filtersInit'; state: PanelState; view: FiltersView; modelName: string; description?: string; layers: LayerInfo[]; backend: string }
  | { type: 'filters'; result: FiltersResult };
export type FiltersIntent = { type: 'showFilters'; layer: string; mode: FilterMode };
export type FiltersFromWebview = CommonFromWebview | ViewIntent<FiltersView> | FiltersIntent;

// Activations panel
export type ActivationsToWebview =
  | CommonToWebview
  | { type: 'activationsInit'; state: PanelState; view: ActivationsView; modelName: string; imageName: string; imageDataUrl?: string; layers: LayerInfo[]; backend: string }
  | { type: 'activations'; result: ActivationsResult }
  | { type: 'neuronSaliency'; layer: string; channel: number; method: NeuronMethod; result: SaliencyResult };
export type ActivationsIntent =
  | { type: 'showActivations'; layer: string }
  | { type: 'selectChannel'; layer: string; channel: number | undefined }
  | { type: 'neuronSaliency'; layer: string; channel: number; method: NeuronMethod };
export type ActivationsFromWebview = CommonFromWebview | ViewIntent<ActivationsView> | ActivationsIntent;

// Saliency panel
export type SaliencyToWebview =
  | CommonToWebview
  | {
      type: 'saliencyInit';
      state: PanelState;
      view: SaliencyView;
      modelName: string;
      imageName: string;
      /** Absent when the panel has no image or the file cannot be shown. */
      imageDataUrl?: string;
      /** The model's top classes for this image; empty when the model hides its classes. */
      predictions: ClassScore[];
      hideClasses: boolean;
      numClasses: number;
      /** The engine's methods, in its order: names, labels, hints and option schemas from their descriptors. */
      methods: SaliencyMethodInfo[];
      /** Each method's option values before the user changes any: its settings, else its schema defaults. */
      optionDefaults: Record<SaliencyMethodName, SaliencyOptions>;
      /** Layers with a channel axis, for neuron targets. */
      layers: LayerInfo[];
      backend: string;
    }
  | { type: 'plan'; method: SaliencyMethodName; plan: SaliencyPlanResult }
  | { type: 'runStarted'; methods: SaliencyMethodName[]; target: TargetSpec }
  | { type: 'saliency'; result: SaliencyResult; index: number; count: number }
  | { type: 'exported'; format: 'png' | 'json'; path: string };
export type SaliencyIntent =
  /** options: the user's values per method, over the settings (absent: the settings' alone). */
  | { type: 'requestPlans'; methods: SaliencyMethodName[]; options?: Record<SaliencyMethodName, SaliencyOptions> }
  | { type: 'run'; methods: SaliencyMethodName[]; target: TargetSpec; colormap: ColormapChoice; opacity: number; options?: Record<SaliencyMethodName, SaliencyOptions> }
  /** overlayPng: the overlay as shown (base64 PNG, composed at the current opacity); absent: the engine's. */
  | { type: 'export'; format: 'png' | 'json'; method: SaliencyMethodName; overlayPng?: string; opacity?: number };
export type SaliencyFromWebview = CommonFromWebview | ViewIntent<SaliencyView> | SaliencyIntent;

// Synthesis panel
/** A synthesis method as the panel gets it: `needsImage` says whether it reads the input image (unknown: assume it does). */
export type SynthesisMethodInfo = MethodInfo & { needsImage?: boolean };
/** An image a 'file' or 'files' option names, as the panel shows it: `path` is the option's value; a thumbnail read by the host. */
export interface PickedFile {
  path: string;
  name: string;
  /** Workspace-relative, for tooltips. */
  relativePath: string;
  dataUrl?: string;
}
export type SynthesisToWebview =
  | CommonToWebview
  | {
      type: 'synthesisInit';
      state: PanelState;
      view: SynthesisView;
      modelName: string;
      /** The input image of invert and dream: its name and its path as shown (workspace-relative); empty when none. */
      imageName: string;
      imagePath: string;
      imageDataUrl?: string;
      /** The engine's synthesis methods, in its order: names, labels, hints and option schemas from their descriptors. */
      methods: SynthesisMethodInfo[];
      /** Each method's option values before the user changes any (its schema defaults). */
      optionDefaults: Record<string, OptionValues>;
      /** Layers with a channel axis, in model order, for 'layer' and 'layers' options. */
      layers: LayerInfo[];
      numClasses: number;
      backend: string;
      /** The images the view's and the last result's file options name (those inside the workspace). */
      files?: PickedFile[];
    }
  /** Images picked for a 'file' option (replaces its value) or a 'files' option (added to its list). */
  | { type: 'filesPicked'; method: string; key: string; files: PickedFile[] }
  /** The cost of `method` with `options` (the values it was asked for, so a stale answer is recognised). */
  | { type: 'plan'; method: string; options: OptionValues; plan: CostPlan }
  /** Why that cost cannot be known (options that do not fit the model, say what is missing…): shown by the cost, the run would fail the same way. */
  | { type: 'planError'; method: string; options: OptionValues; message: string }
  | { type: 'runStarted'; method: string; options: OptionValues; /** What the status line calls the run (default: the method's label). */ label?: string }
  /** A look at the running synthesis: the image so far and each term's value. */
  | { type: 'preview'; preview: Omit<PreviewParams, 'jobId'> }
  | { type: 'synthesis'; result: SynthesisResult }
  | { type: 'saved'; png: string; json: string };
export type SynthesisIntent =
  | { type: 'requestPlan'; method: string; options: OptionValues }
  | { type: 'run'; method: string; options: OptionValues }
  /** Ends the run early; its image so far stays (Cancel discards it). */
  | { type: 'stop' }
  /** Writes the last result's PNG and run config next to the input image (or the model). */
  | { type: 'save' }
  /** Choose another input image (quick pick on the host). */
  | { type: 'pickImage' }
  /** Choose images from the workspace for a 'file' option (one) or a 'files' option (`many`). */
  | { type: 'pickFile'; method: string; key: string; many: boolean };
export type SynthesisFromWebview = CommonFromWebview | ViewIntent<SynthesisView> | SynthesisIntent;

/** Defaults of the view choices, for a new panel or a state without them. */
export const defaultViews = {
  filters: { kind: 'filters', mode: 'auto' } as FiltersView,
  activations: { kind: 'activations', order: 'mean', neuronMethod: 'guided' } as ActivationsView,
  saliency: { kind: 'saliency', methods: ['vanilla'], opacity: 0.5, colormap: 'auto' } as SaliencyView,
  synthesis: { kind: 'synthesis', method: 'dream' } as SynthesisView,
  neighbors: { kind: 'neighbors', k: 6, metric: 'cosine', space: 'both' } as NeighborsView,
  patches: { kind: 'patches', top: 9 } as PatchesView,
  embedding: { kind: 'embedding' } as EmbeddingView,
} satisfies { [K in PanelKind]: Extract<PanelView, { kind: K }> };
