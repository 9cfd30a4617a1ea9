// The label colours and natural label order live in src/shared/ (no imports there), so the CLI's
// figures and the Embedding map panel colour a label alike; the engine keeps importing them here.
export * from '../../shared/categoricalColors';
