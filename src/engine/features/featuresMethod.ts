import type { FolderMethodDescriptor, FolderOutcome } from './descriptor';
import { layerOption, poolOption, resolveLayer, type VectorOptions } from './commonOptions';
import { folderFeatures, type FeatureItem } from './folderFeatures';

export interface FeaturesResult extends FolderOutcome {
  layer: string;
  dim: number;
  items: FeatureItem[];
}

/** One vector per image of a folder at a layer: what neighbours, maps and the user's own analysis start from. */
export const featuresMethod: FolderMethodDescriptor<VectorOptions, FeaturesResult> = {
  name: 'features',
  command: 'features',
  label: 'Features',
  hint: 'one vector per image of a folder at a layer (--images DIR)',
  result: 'folder',
  options: { layer: layerOption, pool: poolOption },
  resolve: (options, model) => resolveLayer(options, model),
  cost: (_options, _model, source) => ({ forwardPasses: source.images.length, backwardPasses: 0, summary: `up to ${source.images.length} images through the model (cached images cost nothing)` }),
  async run(ctx, options) {
    const f = await folderFeatures(ctx.model, ctx.source, { layer: options.layer!, pool: options.pool, memoryBudgetBytes: options.memoryBudgetBytes }, ctx.cache, ctx);
    return { layer: f.layer, dim: f.dim, items: f.items, skipped: f.skipped, computed: f.computed, cached: f.cached, stopped: f.stopped, warnings: f.warnings };
  },
};
