import type { ModelConfig } from '../preprocessing';
import type { LoadedModel } from '../loadedModel';

/** A model file on disk, opened once: its first bytes for sniffing, its text parsed on demand. */
export interface ModelSource {
  /** Absolute path. */
  file: string;
  /** The first few KiB (a format's magic number or opening brace). */
  head: Buffer;
  /** The file parsed as JSON (cached); throws a UserError naming the position of a JSON error. */
  json(): unknown;
}

/**
 * One model format. `sniff` looks at the file's content, never at its name (models are found by
 * content in the workspace too); `load` gives a LoadedModel with its capabilities. A new format
 * is one file implementing this plus one entry in loaders/index.ts.
 */
export interface ModelLoader {
  /** Shown in `info` and the Model Explorer: 'layers', 'graph'… */
  format: LoadedModelFormat;
  sniff(source: ModelSource): boolean;
  load(source: ModelSource, config: ModelConfig): Promise<LoadedModel>;
}

export type LoadedModelFormat = LoadedModel['kind'];
