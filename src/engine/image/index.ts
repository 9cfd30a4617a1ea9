// The image/ public surface, pixel I/O only: decode → RawImage → model input, and RawImage → PNG.
// Turning method results into pictures (colormaps, overlays, grids) lives in ../render.
export type { RawImage } from './rawImage';
export { createImage } from './rawImage';
export { decodeImageFile, decodeImageBuffer, DEFAULT_MAX_PIXELS, type DecodeOptions } from './decodeImage';
export { encodePng } from './encodePng';
export { resizeBilinear, resizeBilinearFloat } from './resize';
export { toGrey, toRgb, dropAlpha } from './channels';
export { imageToInput, type InputShape } from './prepareInput';
