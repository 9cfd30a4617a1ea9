/**
 * Control points of the colormaps, evenly spaced from the low end (first) to the high end (last).
 *
 * viridis, inferno, magma: every 5th entry (0, 5, …, 255) of the 256-entry tables published by
 * van der Walt & Smith with matplotlib (`_cm_listed.py`), as 8-bit hex. Linear interpolation
 * between them reproduces the full tables within 1/255 per channel.
 *
 * coolwarm: Kenneth Moreland's 33-point "cool to warm" table ("Diverging Color Maps for Scientific
 * Visualization", 2009), which is matplotlib's coolwarm: blue → light grey (#dddddd) → red.
 */
export const COLORMAP_ANCHORS = {
  viridis: [
    '440154', '46085c', '471063', '481769', '481d6f', '482475', '472a7a', '46307e', '453781',
    '433d84', '414287', '3f4889', '3d4e8a', '3a538b', '38598c', '355e8d', '33638d', '31688e',
    '2e6d8e', '2c718e', '2a768e', '297b8e', '27808e', '25848e', '23898e', '218e8d', '20928c',
    '1f978b', '1e9c89', '1fa188', '21a585', '24aa83', '28ae80', '2eb37c', '35b779', '3dbc74',
    '46c06f', '50c46a', '5ac864', '65cb5e', '70cf57', '7cd250', '89d548', '95d840', 'a2da37',
    'b0dd2f', 'bddf26', 'cae11f', 'd8e219', 'e5e419', 'f1e51d', 'fde725',
  ],
  inferno: [
    '000004', '02020c', '050417', '0a0722', '10092d', '160b39', '1e0c45', '260c51', '2f0a5b',
    '380962', '400a67', '490b6a', '510e6c', '59106e', '61136e', '69166e', '71196e', '781c6d',
    '801f6c', '88226a', '902568', '982766', 'a02a63', 'a82e5f', 'b0315b', 'b73557', 'bf3952',
    'c63d4d', 'cc4248', 'd34743', 'd94d3d', 'df5337', 'e45a31', 'e9612b', 'ed6925', 'f1711f',
    'f47918', 'f78212', 'f98b0b', 'fa9407', 'fb9d07', 'fca60c', 'fcb014', 'fbba1f', 'fac42a',
    'f8cd37', 'f6d746', 'f4e156', 'f2ea69', 'f2f27d', 'f5f992', 'fcffa4',
  ],
  magma: [
    '000004', '02020b', '050416', '090720', '0e0b2b', '140e36', '1a1042', '21114e', '29115a',
    '311165', '390f6e', '420f75', '4a1079', '52137c', '5a167e', '621980', '6a1c81', '721f81',
    '792282', '812581', '892881', '912b81', '992d80', 'a1307e', 'aa337d', 'b2357b', 'ba3878',
    'c23b75', 'ca3e72', 'd2426f', 'd9466b', 'e04c67', 'e75263', 'ec5860', 'f1605d', 'f4695c',
    'f7725c', 'f97b5d', 'fb8560', 'fc8e64', 'fd9869', 'fea16e', 'feaa74', 'feb47b', 'febd82',
    'fec68a', 'fecf92', 'fed89a', 'fde2a3', 'fdebac', 'fcf4b6', 'fcfdbf',
  ],
  gray: ['000000', 'ffffff'],
  coolwarm: [
    '3b4cc0', '445acc', '4d68d7', '5775e1', '6282ea', '6c8ef1', '779af7', '82a5fb', '8db0fe',
    '98b9ff', 'a3c2ff', 'aec9fd', 'b8d0f9', 'c2d5f4', 'ccd9ee', 'd5dbe6', 'dddddd', 'e5d8d1',
    'ecd3c5', 'f1ccb9', 'f5c4ad', 'f7bba0', 'f7b194', 'f7a687', 'f49a7b', 'f18d6f', 'ec7f63',
    'e57058', 'de604d', 'd55042', 'cb3e38', 'c0282f', 'b40426',
  ],
} as const;
