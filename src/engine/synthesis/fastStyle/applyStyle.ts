// style-apply: a photo through a trained style network, one forward pass, at any size.
import * as tf from '../../tf';
import { UserError } from '../../errors';
import { imageToInput } from '../../image/prepareInput';
import type { RawImage } from '../../image/rawImage';
import { defaultPreprocessing } from '../../model/preprocessing';
import { displayPixels } from '../imageSpace';
import type { StyleNetwork } from './styleNetwork';
import { stylize, transformSide } from './transformNet';

/** Larger sides would need more than ~2 GiB of activations in the wasm heap (16 channels at full size, ×3 live). */
export const maxStyleApplySide = 4096;

export interface StyleApplyResult {
  image: RawImage;
  /** The size the network ran at (sides rounded to multiples of 4). */
  width: number;
  height: number;
  milliseconds: number;
}

/**
 * The photo, its longer side scaled to `size` (default: as it is), both sides rounded to the
 * nearest multiple of 4 (the network halves them twice and doubles them back), stylized in one
 * forward pass of the network.
 */
export async function applyStyleNetwork(style: Pick<StyleNetwork, 'file' | 'net'>, photo: RawImage, size?: number): Promise<StyleApplyResult> {
  const longer = Math.max(photo.width, photo.height);
  const f = (size ?? longer) / longer;
  const width = transformSide(photo.width * f);
  const height = transformSide(photo.height * f);
  if (Math.max(width, height) > maxStyleApplySide) throw new UserError(`${style.file}: ${width}×${height} is larger than style-apply takes (longer side ≤ ${maxStyleApplySide}); give a smaller --size`);
  const input = imageToInput(photo, { width, height, channels: 3 }, defaultPreprocessing);
  const started = performance.now();
  try {
    const output = stylize(style.net, input);
    try {
      // Reading the pixels waits for the pass: the time is the forward pass plus that one read.
      const image = displayPixels(output);
      return { image, width, height, milliseconds: performance.now() - started };
    } finally {
      output.dispose();
    }
  } finally {
    input.dispose();
  }
}
