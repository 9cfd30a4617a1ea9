// The image/ public surface: decode → RawImage → model input, and floats → colours → PNG.
export type { RawImage } from './rawImage';
export { createImage } from './rawImage';
export { decodeImageFile, decodeImageBuffer, DEFAULT_MAX_PIXELS, type DecodeOptions } from './decodeImage';
export { encodePng } from './encodePng';
export { resizeBilinear, resizeBilinearFloat } from './resize';
export { toGrey, toRgb, dropAlpha } from './channels';
export { imageToInput, type InputShape } from './prepareInput';
export { applyColormap, colormapLut, isDiverging, isColormapName, COLORMAP_NAMES, type ColormapName, type ColormapOptions } from './colormap';
export { overlayHeatmap } from './overlay';
export { tileGrid, gridLayout, type GridOptions, type GridLayout } from './grid';
export { floatToImage, type Scaling } from './normalize';
