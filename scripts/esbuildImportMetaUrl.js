// Injected into the CommonJS bundles by esbuild.mjs: there `import.meta` is empty, so
// `import.meta.url` (h5wasm's Emscripten glue calls createRequire with it) becomes this file URL
// of the bundle itself. esbuild includes it only in bundles that use it.
export var importMetaUrl = require('node:url').pathToFileURL(__filename).href;
