/// <reference lib="dom" />
import type { PanelState } from '../../shared/webviewProtocol';

/** What VS Code injects into a webview (callable once per page). */
interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): RawVsCodeApi;

/** The webview's end of the link, typed by the panel's message unions. */
export interface VsCodeApi<FromWebview extends { type: string }> {
  post(message: FromWebview): void;
  /** The state saved for this webview (survives hidden tabs and window reloads). */
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

let raw: RawVsCodeApi | undefined;

export function vscodeApi<FromWebview extends { type: string }>(): VsCodeApi<FromWebview> {
  raw ??= acquireVsCodeApi();
  const api = raw;
  return {
    post: (message) => api.postMessage(message),
    getState: () => {
      const s = api.getState() as PanelState | undefined;
      return s && typeof s === 'object' && typeof s.model === 'string' ? s : undefined;
    },
    setState: (state) => api.setState(state),
  };
}

/** Calls `handler` with every message the host posts (typed by the panel's union). */
export function onHostMessage<ToWebview extends { type: string }>(handler: (message: ToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
    const m = event.data;
    if (m && typeof m === 'object' && typeof m.type === 'string') handler(m);
  });
}

/** The end of an exhaustive switch over a message union. */
export function unreachable(message: never): never {
  throw new Error(`unexpected message ${JSON.stringify(message)}`);
}
