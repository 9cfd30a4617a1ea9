// Where a model file's sidecar lives, for the engine (which reads it) and the extension (which
// recognises style networks by it): one definition. Uses node:path, so no webview imports it.
import * as path from 'node:path';

/**
 * The sidecar of any model file: its name without the extension, plus `.convscope.json`
 * (model.json → model.convscope.json, net.onnx → net.convscope.json).
 */
export function sidecarPath(modelPath: string): string {
  const base = path.basename(modelPath);
  const dot = base.lastIndexOf('.');
  return path.join(path.dirname(modelPath), `${dot > 0 ? base.slice(0, dot) : base}.convscope.json`);
}
