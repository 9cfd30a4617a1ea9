// The synthesis requests' types (EngineRequests.synthesisPlan / synthesize in engineProtocol.ts):
// what the host sends, the loss curve, the run config that reproduces an image, the result.
// No imports: engineProtocol.ts imports this file.

/** A synthesis to run: the method (a registered synthesis descriptor's name), its options, and the input image of methods that read one. */
export interface SynthesisParams {
  /** Routes progress and previews back, and names the job for `stop` (as every long request's). */
  jobId?: string;
  /** Absolute path of the model file. */
  model: string;
  method: string;
  /** Absolute path of the image (inversion, DeepDream); absent for visualizations. */
  image?: string;
  /** Options by name, as the method's descriptor declares them; 'layers' options are string arrays. */
  options?: Record<string, unknown>;
}

/** The value of every objective and regularizer term at one step (before its update). */
export interface SynthesisCurvePoint {
  step: number;
  /** What the loop increases: Σ weight·objective − Σ weight·penalty. */
  total: number;
  terms: Record<string, number>;
}

/**
 * Everything that made an image: saved next to the PNG, `convscope <command> --config F.json`
 * reproduces it (same seed, same options, same model, checked by hash).
 */
export interface SynthesisConfig {
  command: string;
  model: string;
  modelSha256: string;
  image?: string;
  imageSha256?: string;
  options: Record<string, number | string | string[]>;
}

export interface SynthesisResult {
  method: string;
  /** The image (for several layers, the reconstructions side by side) as a base64 PNG. */
  pngBase64: string;
  width: number;
  height: number;
  curve: SynthesisCurvePoint[];
  /** Method-specific numbers (steps done, relative feature error at start and end…). */
  details: Record<string, number | string | number[]>;
  config: SynthesisConfig;
  /** Shown as text, never as HTML. */
  warnings: string[];
  /** True when a stop ended the run early: the image is the one reached so far. */
  stopped: boolean;
  elapsedMs: number;
  backend: string;
}
