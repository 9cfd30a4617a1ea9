import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineRequests, type ModelInfoResult, type NeighborsRunResult } from '../../shared/engineProtocol';
import type { NeighborsView } from '../../shared/folderPanelViews';
import type { NeighborsIntent, NeighborsToWebview } from '../../shared/neighborsMessages';
import type { PanelState } from '../../shared/webviewProtocol';
import type { JobHandle } from '../engineClient';
import { writeFolderExport } from './folderExport';
import { WebviewRoots } from './webviewRoots';
import { neighborsCsv, neighborsJson, neighborsParams, neighborsShown, resourceFolders, safeName } from './folderPanelData';
import { PanelBase, type PanelServices } from './panelBase';
import { assertNever, channelLayers, looksLikePng, modelName, readImageDataUrl, viewOf } from './panelData';

/** A folder may be large and uncached: Stop and Cancel end a run, not a time-out. */
const runTimeoutMs = 60 * 60_000;

/**
 * The images of a folder nearest to a query image, in a layer's feature space and in pixel space
 * side by side (features group a class across looks, pixels do not). Thumbnails load from the
 * files themselves (webview URIs), so the webview may read the image folder and the query's folder.
 */
export class NeighborsPanel extends PanelBase<NeighborsToWebview, NeighborsIntent> {
  /** The last result: re-sent to a reloading webview, and what export writes. */
  private last: { result: NeighborsRunResult; folder: string; query: string; layer: string } | undefined;
  private current: { job?: JobHandle } | undefined;
  private readonly roots = new WebviewRoots(this.panel.webview, this.services.extensionUri);
  /** The file name each result was last exported under: its PNG, CSV and JSON go side by side. */
  private readonly exportStems = new WeakMap<NeighborsRunResult, string>();

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: PanelState, onClosed: () => void) {
    super(panel, services, state, onClosed);
    this.allowFolders(state);
  }

  override async retarget(state: Partial<PanelState>): Promise<void> {
    this.allowFolders({ ...this.state, ...state });
    await super.retarget(state);
  }

  /** The webview may load the image folder's and the query's files. */
  private allowFolders(state: PanelState): void {
    this.roots.allow(resourceFolders(viewOf(state, 'neighbors').folder, state.image));
  }

  protected async onReady(): Promise<void> {
    const info = this.knownModelInfo() ?? (await this.job(`Neighbours · ${modelName(this.state.model)}`, (signal, onProgress) => this.fetchModelInfo(signal, onProgress)));
    if (!info) return;
    this.postInit(info);
    const view = viewOf(this.state, 'neighbors');
    const last = this.last;
    // The same query, folder and layer (a command or the embedding map may name another layer): show it again.
    if (last && last.query === this.state.image && last.folder === view.folder && last.layer === (this.state.layer ?? '')) this.post({ type: 'neighbors', result: neighborsShown(last.result, last.folder, this.shown()) });
    else if (this.current) this.post({ type: 'runStarted' });
    // A query and a folder and nothing computed for them yet (a command opened the panel): run at once.
    else if (this.state.image && view.folder) await this.runNeighbors(view, this.state.layer ?? '');
  }

  private postInit(info: ModelInfoResult): void {
    const { model, image } = this.state;
    const view = viewOf(this.state, 'neighbors');
    this.post({
      type: 'neighborsInit',
      state: this.state,
      view,
      modelName: modelName(model),
      ...(image ? { query: { name: path.basename(image), relativePath: vscode.workspace.asRelativePath(image), src: this.src(image) } } : {}),
      ...(view.folder ? { folder: vscode.workspace.asRelativePath(view.folder) } : {}),
      layers: channelLayers(info.layers),
      backend: info.backend,
    });
  }

  private src(file: string): string {
    return this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
  }

  private shown() {
    return { src: (f: string) => this.src(f), relative: (f: string) => vscode.workspace.asRelativePath(f) };
  }

  protected async onMessage(message: NeighborsIntent): Promise<void> {
    switch (message.type) {
      case 'run': {
        const view = viewOf(this.state, 'neighbors');
        // Folder and cache stay the host's: the webview only chooses how to compare.
        return this.runNeighbors({ ...view, k: message.view.k, metric: message.view.metric, space: message.view.space }, message.layer);
      }
      case 'stop':
        if (this.current?.job) await this.services.engine.stop(this.current.job);
        return;
      case 'openImage':
        return this.openImage(message.path);
      case 'pickFolder':
        return this.pickFolder();
      case 'pickQuery':
        return this.pickQuery();
      case 'export':
        return this.guard(() => this.export(message.format));
      case 'exportFigure':
        return this.guard(() => this.writeFigure(message.png));
      default:
        return assertNever(message);
    }
  }

  private async runNeighbors(view: NeighborsView, layer: string): Promise<void> {
    const { model, image: query } = this.state;
    this.state = { ...this.state, view, layer: layer || undefined };
    await this.job(`Neighbours · ${modelName(model)}`, async (signal, onProgress) => {
      if (!query) throw new Error('Choose a query image first.');
      const params = neighborsParams(model, query, view, layer);
      const folder = params.images;
      const plan = await this.services.engine.request(EngineRequests.folderPlan, params, { signal });
      this.post({ type: 'plan', images: plan.images, total: plan.total, summary: plan.summary });
      const current: NonNullable<NeighborsPanel['current']> = {};
      this.current = current;
      this.post({ type: 'runStarted' });
      try {
        const result = await this.services.engine.request(EngineRequests.folderRun, params, { signal, onProgress, timeoutMs: runTimeoutMs, onJob: (job) => (current.job = job) });
        if (result.method !== 'neighbors') throw new Error(`the engine answered a ${result.method} run`);
        this.last = { result, folder, query, layer };
        this.post({ type: 'neighbors', result: neighborsShown(result, folder, this.shown()) });
      } finally {
        if (this.current === current) this.current = undefined;
      }
    });
  }

  /** Opens an image of the result in VS Code (only those: the webview names no other file). */
  private async openImage(file: string): Promise<void> {
    const last = this.last;
    const known = last && (file === last.query || [...(last.result.neighbors ?? []), ...(last.result.pixelNeighbors ?? [])].some((n) => n.path === file));
    if (known) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file));
  }

  private async pickFolder(): Promise<void> {
    const view = viewOf(this.state, 'neighbors');
    const picked = await vscode.window.showOpenDialog({ title: 'ConvScope: the folder of images to compare (one subfolder per label)', canSelectFiles: false, canSelectFolders: true, canSelectMany: false, ...(view.folder ? { defaultUri: vscode.Uri.file(view.folder) } : {}) });
    const folder = picked?.[0]?.fsPath;
    if (folder) await this.retarget({ view: { ...view, folder } });
  }

  private async pickQuery(): Promise<void> {
    const current = this.state.image;
    const picked = await vscode.window.showOpenDialog({ title: 'ConvScope: query image', filters: { Images: ['png', 'jpg', 'jpeg', 'bmp', 'webp'] }, canSelectMany: false, ...(current ? { defaultUri: vscode.Uri.file(path.dirname(current)) } : {}) });
    const image = picked?.[0]?.fsPath;
    if (image) await this.retarget({ image });
  }

  private lastOrThrow(): NonNullable<NeighborsPanel['last']> {
    if (!this.last) throw new Error('Nothing to export: run a search first.');
    return this.last;
  }

  /** CSV and JSON are written at once; PNG asks the webview to draw the figure from the images as data: URLs. */
  private async export(format: 'png' | 'csv' | 'json'): Promise<void> {
    const { result, folder, query } = this.lastOrThrow();
    if (format === 'png') {
      const files = [query, ...(result.neighbors ?? []), ...(result.pixelNeighbors ?? [])].map((n) => (typeof n === 'string' ? n : n.path));
      const images: Record<string, string> = {};
      for (const f of new Set(files)) {
        const url = await readImageDataUrl(f);
        if (url) images[f] = url;
      }
      this.post({ type: 'drawFigure', images });
      return;
    }
    const text = format === 'csv' ? neighborsCsv(result, folder) : `${JSON.stringify(neighborsJson(this.state.model, folder, result), null, 1)}\n`;
    await this.write(format, Buffer.from(text));
  }

  private async writeFigure(png: string): Promise<void> {
    this.lastOrThrow();
    if (!looksLikePng(png)) throw new Error('The figure is not a PNG image.');
    await this.write('png', Buffer.from(png, 'base64'));
  }

  private async write(format: 'png' | 'csv' | 'json', bytes: Uint8Array): Promise<void> {
    const { result, folder, query } = this.lastOrThrow();
    const written = await writeFolderExport(folder, `${safeName(path.basename(query, path.extname(query)))}-neighbors`, format, bytes, this.exportStems.get(result));
    this.exportStems.set(result, written.stem);
    this.post({ type: 'exported', format, path: written.file });
  }

  /** Work outside a job (exports): a failure is shown in the panel and as a notification. */
  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.services.log(`neighbours: ${message}`);
      this.post({ type: 'error', message });
      void vscode.window.showErrorMessage(`ConvScope: ${message}`);
    }
  }
}
