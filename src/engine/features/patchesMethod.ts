import { UserError } from '../errors';
import { requireLayers } from '../synthesis/layers';
import type { FolderMethodDescriptor } from './descriptor';
import { maxActivatingPatches, type PatchesResult } from './patches';

export interface PatchesOptions {
  layer?: string;
  channel?: number;
  top: number;
  memoryBudgetBytes?: number;
}

/** Maximally activating patches of one channel over a folder, with the receptive field of each peak. */
export const patchesMethod: FolderMethodDescriptor<PatchesOptions, PatchesResult> = {
  name: 'patches',
  command: 'patches',
  label: 'Max-activating patches',
  hint: "the image regions that excite a channel most, over a folder (--images DIR --layer L --channel C)",
  result: 'folder',
  options: {
    layer: { type: 'layer', cliFlag: 'layer', label: 'Layer', hint: 'a layer with spatial extent' },
    channel: { type: 'int', min: 0, cliFlag: 'channel', label: 'Channel', hint: 'the channel whose peaks to find' },
    top: { type: 'int', default: 9, min: 1, max: 400, cliFlag: 'top', label: 'Patches', hint: 'how many, best first' },
  },
  resolve(options, model) {
    if (!options.layer) throw new UserError('patches needs --layer <a layer with spatial extent>');
    if (options.channel === undefined) throw new UserError('patches needs --channel <index>');
    requireLayers(model, [options.layer]);
    return options;
  },
  cost: (_options, _model, source) => ({ forwardPasses: source.images.length, backwardPasses: 0, summary: `up to ${source.images.length} images through the model (cached: no model work), then one guided backprop per patch shown` }),
  run: (ctx, options) => maxActivatingPatches(ctx.model, ctx.source, { layer: options.layer!, channel: options.channel!, top: options.top, memoryBudgetBytes: options.memoryBudgetBytes }, ctx.cache, ctx),
};
