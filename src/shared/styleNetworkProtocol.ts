// The fast style requests' types (EngineRequests.styleApply / styleTrain in engineProtocol.ts): a
// trained style network applied to a photo in one forward pass, and training one as a long job.
import type { SynthesisCurvePoint } from './synthesisProtocol';

export interface StyleApplyParams {
  jobId?: string;
  /** Absolute path of the style network's model.json (its sidecar holds a "styleNetwork" record). */
  styleNetwork: string;
  /** Absolute path of the photo. */
  image: string;
  /** The longer side to run at (rounded to a multiple of 4); absent: the photo's own, up to 1024. */
  size?: number;
}

export interface StyleApplyResult {
  /** The stylized photo as a base64 PNG. */
  pngBase64: string;
  width: number;
  height: number;
  /** The forward pass alone. */
  milliseconds: number;
  /** The style image the network learned (its file name) and how long it trained. */
  style: string;
  stepsDone: number;
  backend: string;
}

export interface StyleTrainParams {
  /** Routes progress and previews back, and names the job for `stop` (after the step, keeping a checkpoint). */
  jobId?: string;
  /** The feature network of the perceptual loss (absolute path: an InceptionV3 model.json). */
  featureModel: string;
  style: string;
  contentDir: string;
  /** The folder the network and its checkpoints go into (new or empty, or holding a checkpoint with resume). */
  outModel: string;
  steps: number;
  size?: number;
  batch?: number;
  checkpointEvery?: number;
  resume?: boolean;
  /** A photo shown through each checkpoint (previews) and through the final network (the result). */
  previewImage?: string;
  /** Its longer side (default 256). */
  previewSize?: number;
}

export interface StyleTrainResult {
  /** The folder and its model.json. */
  outModel: string;
  modelFile: string;
  stepsDone: number;
  stepsAsked: number;
  resumedFrom: number;
  stopped: boolean;
  /** Every step's losses (minimized): total, with content, style and tv as terms. */
  curve: SynthesisCurvePoint[];
  trainingSeconds: number;
  /** Content images left out, one line each (file: reason). */
  skipped: string[];
  /** The preview photo through the trained network, when one was given. */
  preview?: { pngBase64: string; width: number; height: number };
  backend: string;
}
