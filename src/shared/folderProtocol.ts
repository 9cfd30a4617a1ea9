// The folder methods' requests (EngineRequests.folderRun / folderPlan in engineProtocol.ts):
// features, nearest neighbours, 2-D maps and max-activating patches over a folder of images. One
// request for the four, as their descriptors share one shape (model + image source + options);
// the result is a union on `method`.

/** A box in pixels: left, top, width, height. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FolderRunParams {
  /** Routes progress back, and names the job for `stop` (the result then holds what was done). */
  jobId?: string;
  method: 'features' | 'neighbors' | 'embed' | 'patches';
  /** Absolute path of model.json. */
  model: string;
  /** Absolute path of the image folder (labels: the immediate subfolders' names). */
  images: string;
  /** At most this many images, a seeded sample (`seed` below, else options.seed, else 0). */
  limit?: number;
  seed?: number;
  /** Where the feature tables live (the extension: its global storage); absent: no cache. */
  cacheDir?: string;
  cacheCapBytes?: number;
  /** The method's options by name, as its descriptor declares them (checked by the engine). */
  options?: Record<string, number | string | undefined>;
}

/** What a folder run read: one image of the folder, by absolute path and label. */
export interface FolderItem {
  path: string;
  label: string;
}

interface FolderRunCommon {
  /** The folder and how many of its images were used (all, or the --limit sample). */
  images: string;
  used: number;
  total: number;
  layer: string;
  skipped: Array<{ path: string; reason: string }>;
  computed: number;
  cached: number;
  stopped: boolean;
  warnings: string[];
  elapsedMs: number;
  backend: string;
}

export interface FeaturesRunResult extends FolderRunCommon {
  method: 'features';
  dim: number;
  items: Array<FolderItem & { vector: number[] }>;
}

export interface NeighborsRunResult extends FolderRunCommon {
  method: 'neighbors';
  query: string;
  metric: string;
  neighbors?: Array<FolderItem & { distance: number }>;
  pixelNeighbors?: Array<FolderItem & { distance: number }>;
}

export interface EmbedRunResult extends FolderRunCommon {
  method: 'embed';
  /** 'pca' | 'tsne' | 'umap' */
  embedding: string;
  dim: number;
  points: Array<FolderItem & { x: number; y: number }>;
  explainedVariance?: number[];
}

export interface PatchesRunResult extends FolderRunCommon {
  method: 'patches';
  channel: number;
  receptiveField: { size: [number, number]; stride: [number, number]; start: [number, number] };
  /** Best first. `box`: in the model's input pixels; `imageBox`: the same region in the source image's pixels. */
  patches: Array<FolderItem & { value: number; row: number; col: number; box: PixelBox; imageBox: PixelBox; cropPng: string; guidedPng: string }>;
  /** The grids as the CLI draws them (crops | guided backprop), a base64 PNG. */
  gridPng: string;
}

export type FolderRunResult = FeaturesRunResult | NeighborsRunResult | EmbedRunResult | PatchesRunResult;
