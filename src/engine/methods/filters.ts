import { UserError } from '../errors';
import { toArrayND, checkpoint, type ArrayND, type Method } from './types';

export interface FiltersResult {
  layer: string;
  /** [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]). */
  kernel: ArrayND;
  /** True for a first layer on an RGB input: each filter can be shown as a colour tile. */
  rgb: boolean;
}

/** The kernels of a conv layer; the image/ renderer turns them into a grid. */
export const filters: Method<{ layer?: string }, FiltersResult> = async (model, _input, options, _progress, signal) => {
  await checkpoint(signal);
  const convs = model.layers.filter((l) => l.isConv);
  const layer = options.layer ?? convs[0]?.name;
  if (!layer) throw new UserError(`${model.file}: the model has no conv layer`);
  const kernel = model.kernel(layer);
  const isFirst = convs[0]?.name === layer;
  return { layer, kernel: await toArrayND(kernel), rgb: isFirst && kernel.shape[2] === 3 };
};
