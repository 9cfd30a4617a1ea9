import * as vscode from 'vscode';
import type { ColormapName } from '../shared/engineProtocol';

/** The `convscope.*` settings, read fresh each time (the user may change them at any moment). */
export interface Settings {
  defaultModel: string;
  backend: 'auto' | 'native-gpu' | 'native' | 'wasm' | 'cpu';
  colormap: ColormapName;
  occlusionWindow: number;
  occlusionStride: number;
  smoothGradSamples: number;
  integratedGradientsSteps: number;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('convscope');
  return {
    defaultModel: c.get('defaultModel', ''),
    backend: c.get('backend', 'auto'),
    colormap: c.get('colormap', 'inferno'),
    occlusionWindow: c.get('occlusion.window', 8),
    occlusionStride: c.get('occlusion.stride', 4),
    smoothGradSamples: c.get('smoothGrad.samples', 25),
    integratedGradientsSteps: c.get('integratedGradients.steps', 50),
  };
}
