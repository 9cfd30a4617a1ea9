/**
 * The public part of a method descriptor (src/engine/methods/descriptor.ts): what the CLI's --help,
 * the panels' option controls and the extension's defaults are generated from. Plain data, so it
 * crosses the engine protocol unchanged; no runtime dependencies.
 */

/**
 * 'layer' is a layer name of the loaded model, 'layers' one or more (the CLI repeats the flag);
 * 'file' an image file's path, 'files' one or more; 'choice' is one of `choices`.
 */
export type OptionType = 'int' | 'number' | 'choice' | 'string' | 'layer' | 'layers' | 'file' | 'files';

export interface OptionSpec {
  type: OptionType;
  /** Absent where the default depends on the model (e.g. Grad-CAM's last conv layer). */
  default?: number | string | readonly string[];
  /** Inclusive bounds of 'int' and 'number' options. */
  min?: number;
  max?: number;
  choices?: readonly string[];
  /** The CLI flag without its dashes; methods that share a meaning share a flag (--baseline). */
  cliFlag: string;
  /** The VS Code setting (package.json contributes.configuration) that sets this option's default. */
  settingKey?: string;
  label: string;
  hint: string;
}

export type OptionSchema = Record<string, OptionSpec>;

/** What a run will cost, known before running it (shown to users up front). */
export interface CostPlan {
  forwardPasses: number;
  backwardPasses: number;
  summary: string;
}

/** One method as the host and the webviews see it. */
export interface MethodInfo {
  name: string;
  label: string;
  hint: string;
  options: OptionSchema;
  /**
   * 'attribution': a map over the input (saliency panel); 'image': a synthesized picture (synthesis
   * panel); 'folder': numbers over a folder of images (features, neighbours, embeddings, patches).
   */
  result: 'attribution' | 'image' | 'folder';
}
