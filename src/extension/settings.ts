import * as vscode from 'vscode';
import type { ColormapName } from '../shared/engineProtocol';

/** The `convscope.*` settings, read fresh each time (the user may change them at any moment). */
export interface Settings {
  defaultModel: string;
  backend: 'auto' | 'native-gpu' | 'native' | 'wasm' | 'cpu';
  colormap: ColormapName;
  /** A method option's setting by its full key ('convscope.<method>.<option>'); the keys come from the method descriptors. */
  methodSetting: (key: string) => unknown;
}

export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('convscope');
  return {
    defaultModel: c.get('defaultModel', ''),
    backend: c.get('backend', 'auto'),
    colormap: c.get('colormap', 'inferno'),
    // No default here: an unset option is left to the engine's descriptor default.
    methodSetting: (key) => c.get(key.replace(/^convscope\./, '')),
  };
}
