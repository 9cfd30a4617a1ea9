import { UserError } from '../errors';
import type { LoadedModel } from '../model/loadedModel';

// Layers that only reshape, regularize or squash what comes before them: a vector read there says
// nothing the layer before does not.
const passThrough = /^(Dropout|SpatialDropout2D|Flatten|Reshape|Softmax|Activation|InputLayer)$/;

/**
 * The layer whose vectors describe an image best by default: the sidecar's `featureLayer` (the
 * bundled backbones name a layer before their fine-tuned head), else the penultimate layer of a
 * classifier (its last hidden layer, as in the seed's neighbour and t-SNE figures).
 */
export function defaultFeatureLayer(model: LoadedModel): string {
  if (model.config.featureLayer) return requireFeatureLayer(model, model.config.featureLayer);
  const layers = model.layers.filter((l) => l.outputShape.length > 0);
  const candidates = model.config.hideClasses ? layers : layers.slice(0, -1);
  const pick = [...candidates].reverse().find((l) => !passThrough.test(l.type) && l.activation !== 'softmax');
  if (!pick) throw new UserError(`${model.file}: cannot choose a feature layer by itself (no layer shapes known); give --layer`);
  return pick.name;
}

/** A named layer that exists (when the table knows its layers); any output shape will do. */
export function requireFeatureLayer(model: LoadedModel, name: string): string {
  if (model.layers.length > 0 && model.layers.some((l) => l.outputShape.length > 0) && !model.layers.some((l) => l.name === name)) {
    const some = model.layers.slice(-8).map((l) => l.name);
    throw new UserError(`${model.file}: no layer named '${name}'; the last layers are ${some.join(', ')}`);
  }
  return name;
}
