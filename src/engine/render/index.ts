// The render/ public surface: presenters that turn floats and method results into pictures
// (floats → colours, heatmap over image, tiles in a grid). Pixel I/O stays in ../image.
export { applyColormap, colormapLut, isDiverging, isColormapName, COLORMAP_NAMES, type ColormapName, type ColormapOptions } from './colormap';
export { overlayHeatmap } from './overlay';
export { tileGrid, gridLayout, type GridOptions, type GridLayout } from './grid';
export { floatToImage, finiteRange, type Scaling } from './normalize';
export { magnifyNearest } from './magnify';
