import * as vscode from 'vscode';
import { EngineRequests, type ModelInfoResult, type ModelParams, type ProgressParams } from '../../shared/engineProtocol';
import type { CommonFromWebview, CommonToWebview, PanelState, PanelView, ViewIntent } from '../../shared/webviewProtocol';
import { Disposable } from '../disposable';
import type { EngineClient } from '../engineClient';
import { isCancelled, withEngineProgress } from '../engineJob';
import type { Settings } from '../settings';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** What panels need from the extension. */
export interface PanelServices {
  engine: EngineClient;
  extensionUri: vscode.Uri;
  log: (line: string) => void;
  settings: () => Settings;
}

/** At most this many progress messages a second reach a webview. */
const progressPerSecond = 4;

/**
 * One class per panel kind derives from this: it owns the webview (CSP page, typed messages,
 * the `ready` handshake), throttles progress, and runs engine jobs with cancel and error display.
 */
export abstract class PanelBase<ToWebview extends { type: string }, FromWebview extends { type: string }> extends Disposable {
  private lastProgress = 0;
  private modelInfo: { model: string; result: ModelInfoResult } | undefined;
  private running: AbortController | undefined;

  protected constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly services: PanelServices,
    public state: PanelState,
    private readonly onClosed: () => void,
  ) {
    super();
    // Start the engine while the webview loads: a cold start overlaps the page's own start-up.
    services.engine.start().catch(() => undefined);
    panel.webview.options = webviewOptions(services.extensionUri);
    panel.webview.html = webviewHtml(panel.webview, services.extensionUri, state.kind, panel.title);
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(panel.webview.onDidReceiveMessage((m: FromWebview | CommonFromWebview | ViewIntent<PanelView>) => void this.receive(m)));
  }

  override dispose(): void {
    // Runs once: closing the panel fires onDidDispose, which calls this again.
    if (this.isDisposed) return;
    this.running?.abort();
    super.dispose();
    this.onClosed();
    this.panel.dispose();
  }

  /** Called when the webview (re)loads and says it is ready; send it everything it shows. */
  protected abstract onReady(): Promise<void>;
  protected abstract onMessage(message: FromWebview): Promise<void>;

  /** Points the panel at another image or layer and refreshes it, reading the model afresh. */
  async retarget(state: Partial<PanelState>): Promise<void> {
    this.modelInfo = undefined;
    this.state = { ...this.state, ...state };
    this.panel.reveal();
    await this.onReady();
  }

  /** The panel model's info as last fetched: a webview that reloads (hidden tab, window reload) gets it without engine work. */
  protected knownModelInfo(): ModelInfoResult | undefined {
    return this.modelInfo?.model === this.state.model ? this.modelInfo.result : undefined;
  }

  /** Asks the engine for the panel model's info and remembers it. */
  protected async fetchModelInfo(signal: AbortSignal, onProgress: (p: ProgressParams) => void): Promise<ModelInfoResult> {
    const model = this.state.model;
    const result = await this.services.engine.request(EngineRequests.modelInfo, { model }, { signal, onProgress });
    this.modelInfo = { model, result };
    return result;
  }

  protected post(message: ToWebview | CommonToWebview): void {
    // A job may finish after its panel closed: a disposed webview throws on any access.
    if (this.isDisposed) return;
    // Only progress is throttled: the 'busy' that starts a job always gets through.
    if (message.type === 'busy' && 'fraction' in message && message.fraction !== undefined) {
      const now = Date.now();
      if (now - this.lastProgress < 1000 / progressPerSecond) return;
      this.lastProgress = now;
    }
    void this.panel.webview.postMessage(message);
  }

  /**
   * Runs engine work with a cancellable notification and the panel's own busy line; a user error
   * or a crash is shown in the panel (and as a notification), a cancel is not an error.
   */
  protected async job<T>(title: string, work: (signal: AbortSignal, onProgress: (p: ProgressParams) => void) => Promise<T>): Promise<T | undefined> {
    this.running?.abort();
    const mine = new AbortController();
    this.running = mine;
    this.post({ type: 'busy', message: title });
    try {
      return await withEngineProgress(title, (signal, report) => {
        signal.addEventListener('abort', () => mine.abort());
        return work(mine.signal, (p) => {
          report(p);
          this.post({ type: 'busy', message: p.message, fraction: p.fraction });
        });
      });
    } catch (e) {
      if (isCancelled(e) || mine.signal.aborted) {
        // A job replaced by a newer one says nothing: the newer one owns the busy line now.
        if (this.running === mine) this.post({ type: 'error', message: 'Cancelled.' });
      } else {
        const message = e instanceof Error ? e.message : String(e);
        this.services.log(`${title} failed: ${message}`);
        this.post({ type: 'error', message });
        void vscode.window.showErrorMessage(`ConvScope: ${message}`);
      }
      return undefined;
    } finally {
      if (this.running === mine) {
        this.running = undefined;
        this.post({ type: 'idle' });
      }
    }
  }

  private async receive(message: FromWebview | CommonFromWebview | ViewIntent<PanelView>): Promise<void> {
    if (message.type === 'ready') return this.onReady();
    if (message.type === 'cancel') {
      this.running?.abort();
      return;
    }
    if (message.type === 'view') {
      // Every panel keeps its view choices the same way: in its state, for the serializer.
      this.state = { ...this.state, view: (message as ViewIntent<PanelView>).view };
      return;
    }
    return this.onMessage(message as FromWebview);
  }
}
