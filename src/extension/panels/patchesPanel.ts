import * as vscode from 'vscode';
import { EngineRequests, type ModelInfoResult, type PatchesRunResult } from '../../shared/engineProtocol';
import type { PatchesView } from '../../shared/folderPanelViews';
import type { PatchesIntent, PatchesToWebview } from '../../shared/patchesMessages';
import type { PanelState } from '../../shared/webviewProtocol';
import type { JobHandle } from '../engineClient';
import { writeFolderExport } from './folderExport';
import { WebviewRoots } from './webviewRoots';
import { patchesJson, patchesParams, patchesShown, resourceFolders, safeName } from './folderPanelData';
import { PanelBase, type PanelServices } from './panelBase';
import { assertNever, modelName, viewOf } from './panelData';

/** A folder may be large and uncached: Stop and Cancel end a run, not a time-out. */
const runTimeoutMs = 60 * 60_000;

/**
 * The patches of a folder's images that excite one channel most: crop and guided backprop side by
 * side, and the source image with the patch's box. The source images load from the files
 * themselves (webview URIs), so the webview may read the image folder.
 */
export class PatchesPanel extends PanelBase<PatchesToWebview, PatchesIntent> {
  private last: { result: PatchesRunResult; folder: string } | undefined;
  private current: { job?: JobHandle } | undefined;
  private readonly roots = new WebviewRoots(this.panel.webview, this.services.extensionUri);
  private readonly exportStems = new WeakMap<PatchesRunResult, string>();

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: PanelState, onClosed: () => void) {
    super(panel, services, state, onClosed);
    this.allowFolders(state);
  }

  override async retarget(state: Partial<PanelState>): Promise<void> {
    this.allowFolders({ ...this.state, ...state });
    await super.retarget(state);
  }

  /** The webview may load the image folder's files. */
  private allowFolders(state: PanelState): void {
    this.roots.allow([viewOf(state, 'patches').folder]);
  }

  protected async onReady(): Promise<void> {
    const info = this.knownModelInfo() ?? (await this.job(`Patches · ${modelName(this.state.model)}`, (signal, onProgress) => this.fetchModelInfo(signal, onProgress)));
    if (!info) return;
    this.postInit(info);
    const { layer, channel } = this.state;
    const view = viewOf(this.state, 'patches');
    const last = this.last;
    if (last && last.folder === view.folder && last.result.layer === layer && last.result.channel === channel) this.post({ type: 'patches', result: patchesShown(last.result, this.shown()) });
    else if (this.current) this.post({ type: 'runStarted' });
    // A command named the layer and channel, and nothing is computed for them yet: run at once.
    else if (layer && channel !== undefined && view.folder) await this.runPatches(view, layer, channel);
  }

  private postInit(info: ModelInfoResult): void {
    const view = viewOf(this.state, 'patches');
    this.post({
      type: 'patchesInit',
      state: this.state,
      view,
      modelName: modelName(this.state.model),
      ...(view.folder ? { folder: vscode.workspace.asRelativePath(view.folder) } : {}),
      // A channel's peaks need a place: layers with spatial extent (or of unknown shape).
      layers: info.layers.filter((l) => l.type !== 'InputLayer' && (l.outputShape.length === 0 || l.outputShape.length === 3)),
      backend: info.backend,
    });
  }

  private shown() {
    return { src: (f: string) => this.panel.webview.asWebviewUri(vscode.Uri.file(f)).toString(), relative: (f: string) => vscode.workspace.asRelativePath(f) };
  }

  protected async onMessage(message: PatchesIntent): Promise<void> {
    switch (message.type) {
      case 'run':
        return this.runPatches({ ...viewOf(this.state, 'patches'), top: message.top }, message.layer, message.channel);
      case 'stop':
        if (this.current?.job) await this.services.engine.stop(this.current.job);
        return;
      case 'openImage':
        // Only an image of the result: the webview names no other file.
        if (this.last?.result.patches.some((p) => p.path === message.path)) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(message.path));
        return;
      case 'pickFolder':
        return this.pickFolder();
      case 'export':
        return this.export(message.format);
      default:
        return assertNever(message);
    }
  }

  private async runPatches(view: PatchesView, layer: string, channel: number): Promise<void> {
    const model = this.state.model;
    this.state = { ...this.state, view, layer, channel };
    await this.job(`Patches · ${layer} channel ${channel}`, async (signal, onProgress) => {
      const params = patchesParams(model, view, layer, channel);
      const plan = await this.services.engine.request(EngineRequests.folderPlan, params, { signal });
      this.post({ type: 'plan', images: plan.images, total: plan.total, summary: plan.summary });
      const current: NonNullable<PatchesPanel['current']> = {};
      this.current = current;
      this.post({ type: 'runStarted' });
      try {
        const result = await this.services.engine.request(EngineRequests.folderRun, params, { signal, onProgress, timeoutMs: runTimeoutMs, onJob: (job) => (current.job = job) });
        if (result.method !== 'patches') throw new Error(`the engine answered a ${result.method} run`);
        this.last = { result, folder: params.images };
        this.post({ type: 'patches', result: patchesShown(result, this.shown()) });
      } finally {
        if (this.current === current) this.current = undefined;
      }
    });
  }

  private async pickFolder(): Promise<void> {
    const view = viewOf(this.state, 'patches');
    const picked = await vscode.window.showOpenDialog({ title: 'ConvScope: the folder of images to search', canSelectFiles: false, canSelectFolders: true, canSelectMany: false, ...(view.folder ? { defaultUri: vscode.Uri.file(view.folder) } : {}) });
    const folder = picked?.[0]?.fsPath;
    if (folder) await this.retarget({ view: { ...view, folder } });
  }

  /** PNG: the engine's grid (crops | guided backprop, values as captions); JSON: every patch's place and value. */
  private async export(format: 'png' | 'json'): Promise<void> {
    try {
      const last = this.last;
      if (!last) throw new Error('Nothing to export: run first.');
      const { result, folder } = last;
      if (format === 'png' && !result.gridPng) throw new Error('No patches to export.');
      const bytes = format === 'png' ? Buffer.from(result.gridPng, 'base64') : Buffer.from(`${JSON.stringify(patchesJson(this.state.model, folder, result), null, 1)}\n`);
      const base = `${safeName(modelName(this.state.model))}-${safeName(result.layer)}-channel${result.channel}-patches`;
      const written = await writeFolderExport(folder, base, format, bytes, this.exportStems.get(result));
      this.exportStems.set(result, written.stem);
      this.post({ type: 'exported', format, path: written.file });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.services.log(`patches export: ${message}`);
      this.post({ type: 'error', message });
      void vscode.window.showErrorMessage(`ConvScope: ${message}`);
    }
  }
}

