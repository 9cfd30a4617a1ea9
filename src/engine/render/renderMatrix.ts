import type { ArrayND } from '../methods/types';
import { applyColormap, type ColormapName } from './colormap';
import { tileGrid } from './grid';
import type { RawImage } from '../image/rawImage';

/** A 2-D matrix (e.g. a Gram matrix) as a colour image, magnified to at least ~256 px. */
export function renderMatrix(matrix: ArrayND, colormap: ColormapName = 'viridis'): RawImage {
  const [rows, cols] = matrix.shape as [number, number];
  const tile = applyColormap(matrix.data, cols, rows, colormap);
  return tileGrid([tile], { padding: 0, scale: Math.max(1, Math.floor(256 / Math.max(rows, cols))) });
}
