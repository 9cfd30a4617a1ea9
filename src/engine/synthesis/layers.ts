import { UserError } from '../errors';
import type { LoadedModel } from '../model/loadedModel';

/**
 * Checks that every named layer exists and has a spatial output (H, W, C); returns the names.
 * A model whose layer table has no shapes (a graph model's nodes) is trusted: its forward pass
 * refuses an unknown node with the list of known ones.
 */
export function requireLayers(model: LoadedModel, names: readonly string[]): string[] {
  if (names.length === 0) throw new UserError(`${model.file}: give at least one --layer`);
  const shapesKnown = model.layers.some((l) => l.outputShape.length > 0);
  for (const name of names) {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) {
      if (!shapesKnown) continue;
      const some = model.layers.filter((l) => l.isConv || /^mixed/.test(l.name)).slice(-8).map((l) => l.name);
      throw new UserError(`${model.file}: no layer named '${name}'${some.length ? `; layers include ${some.join(', ')}` : ''}`);
    }
    if (layer.outputShape.length > 0 && layer.outputShape.length !== 3) throw new UserError(`${model.file}: layer '${name}' has no spatial output (output ${JSON.stringify(layer.outputShape)}); choose a conv or pooling layer`);
  }
  return [...names];
}
