import type { OptionSpec } from '../../shared/methodSchema';
import type { LoadedModel } from '../model/loadedModel';
import { defaultFeatureLayer, requireFeatureLayer } from './featureLayer';
import { poolings, type Pooling } from './pooling';

/** The options every folder method that compares images shares: where the vectors are read and how they are pooled. */
export interface VectorOptions {
  layer?: string;
  pool: Pooling;
  memoryBudgetBytes?: number;
}

export const layerOption: OptionSpec = { type: 'layer', cliFlag: 'layer', label: 'Layer', hint: 'default: the penultimate layer (a backbone: its last)' };
export const poolOption: OptionSpec = { type: 'choice', choices: poolings, default: 'avg', cliFlag: 'pool', label: 'Pooling', hint: 'a spatial layer [H, W, C] → one vector: spatial mean, spatial max, or all values' };

/** The layer given, checked, or the default feature layer. */
export function resolveLayer<O extends VectorOptions>(options: O, model: LoadedModel): O & { layer: string } {
  return { ...options, layer: options.layer ? requireFeatureLayer(model, options.layer) : defaultFeatureLayer(model) };
}
