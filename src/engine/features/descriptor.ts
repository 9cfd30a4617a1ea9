import type { LoadedModel } from '../model/loadedModel';
import type { CostPlan, MethodInfo } from '../../shared/methodSchema';
import type { FeatureCache } from '../dataset/featureCache';
import type { ImageSource } from '../dataset/imageFolder';
import type { FeatureRun } from './folderFeatures';

/**
 * What a folder method runs on: a model and an image source instead of one input image (the
 * issue's "model + image source + layer"), the feature cache, and the usual progress, cancel
 * (reject, keep nothing) and stop (end early, return what is done).
 */
export interface FolderContext extends FeatureRun {
  model: LoadedModel;
  source: ImageSource;
  cache: FeatureCache;
}

/** Every folder method's result says what it could not read and how it went. */
export interface FolderOutcome {
  skipped: Array<{ path: string; reason: string }>;
  /** Images that went through the model in this run, and vectors that came from the cache. */
  computed: number;
  cached: number;
  stopped: boolean;
  warnings: string[];
}

/**
 * One folder method (DESIGN.md §3, folder variant): options schema, cost and run as an attribution
 * method's, with a folder where a method of one image has its input. The CLI command, its flags
 * and --help, and the engine requests come from these.
 */
export interface FolderMethodDescriptor<O = Record<string, unknown>, R extends FolderOutcome = FolderOutcome> extends MethodInfo {
  result: 'folder';
  /** The CLI command (features, neighbors, embed, patches). */
  command: string;
  /** Fills model-dependent defaults (the feature layer) and checks options against the model and the folder. */
  resolve(options: O, model: LoadedModel, source: ImageSource): O;
  cost(options: O, model: LoadedModel, source: ImageSource): CostPlan;
  run(ctx: FolderContext, options: O): Promise<R>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFolderMethod = FolderMethodDescriptor<any, any>;
