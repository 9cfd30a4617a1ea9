import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineRequests, type ModelInfoResult } from '../../shared/engineProtocol';
import type { EmbeddingIntent, EmbeddingMap, EmbeddingRequest, EmbeddingToWebview } from '../../shared/embeddingMessages';
import type { OptionValues, PanelState } from '../../shared/webviewProtocol';
import type { JobHandle } from '../engineClient';
import { PanelBase, type PanelServices } from './panelBase';
import { WebviewRoots } from './webviewRoots';
import { assertNever, channelLayers, effectiveOptionDefaults, exportFolderName, modelName, viewOf } from './panelData';
import { embeddingCsv, embeddingExportBase, embeddingJson, embedMethodOf, embedParams, mapForWebview } from './embeddingData';

/** A map of thousands of images may take long (t-SNE); Stop and Cancel end it, not a time-out. */
const runTimeoutMs = 2 * 60 * 60_000;

/**
 * A 2-D map (PCA, t-SNE, UMAP) of an image folder's feature vectors: the embed method's option
 * controls, the cost and image count, Run with progress in images, Stop (keeps the map of the
 * images done), a scatter coloured by label, thumbnails on hover, Find Similar Images on click,
 * export of the chart (PNG) and of the points (CSV / JSON).
 */
export class EmbeddingPanel extends PanelBase<EmbeddingToWebview, EmbeddingIntent> {
  /** The last map and the folder it is of: re-sent to a reloading webview, and what the exports write. */
  private last: { map: EmbeddingMap; folder: string } | undefined;
  private current: { job?: JobHandle; request: EmbeddingRequest } | undefined;
  /** The folders the webview may load images from (thumbnails on hover). */
  private readonly roots = new WebviewRoots(this.panel.webview, this.services.extensionUri);

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: PanelState, onClosed: () => void) {
    super(panel, services, state, onClosed);
    this.applyRoots();
  }

  private get folder(): string | undefined {
    return viewOf(this.state, 'embedding').folder;
  }

  /** Points the panel at an image folder (a command's pick, the Explorer's folder); the engine cache stays where the extension keeps it. */
  async showFolder(folder: string, cacheDir: string): Promise<void> {
    const view = viewOf(this.state, 'embedding');
    const changed = view.folder !== folder;
    this.state = { ...this.state, view: { ...view, folder, cacheDir, ...(changed ? { hidden: [] } : {}) } };
    this.applyRoots();
    await this.retarget({});
  }

  /** The webview may load the mapped folder's images (thumbnails on hover), besides the extension's own files. */
  private applyRoots(): void {
    this.roots.allow([this.folder]);
  }

  protected async onReady(): Promise<void> {
    const known = this.knownModelInfo();
    if (known) this.postInit(known);
    else {
      const info = await this.job(`Embedding map · ${modelName(this.state.model)}`, async (signal, onProgress) => {
        const fetched = await this.fetchModelInfo(signal, onProgress);
        this.postInit(fetched);
        return fetched;
      });
      if (!info) return;
    }
    if (this.last && this.last.folder === this.folder) this.post({ type: 'embedding', map: this.last.map });
    // A webview reloaded during a run (a hidden tab shown again): Stop must still work.
    if (this.current) this.post({ type: 'runStarted', request: this.current.request });
  }

  private postInit(info: ModelInfoResult): void {
    const method = embedMethodOf(info.folderMethods);
    if (!method) this.post({ type: 'error', message: 'This engine offers no embedding map (update ConvScope).' });
    const folder = this.folder;
    this.post({
      type: 'embeddingInit',
      state: this.state,
      view: viewOf(this.state, 'embedding'),
      modelName: modelName(this.state.model),
      folderPath: folder ? vscode.workspace.asRelativePath(folder) : '',
      ...(method ? { method } : {}),
      optionDefaults: method ? definedValues(effectiveOptionDefaults([method], this.services.settings().methodSetting)[method.name]) : {},
      layers: channelLayers(info.layers),
      backend: info.backend,
    });
  }

  protected async onMessage(message: EmbeddingIntent): Promise<void> {
    switch (message.type) {
      case 'requestPlan':
        return this.sendPlan(message.request);
      case 'run':
        return this.runMap(message.request);
      case 'stop':
        if (this.current?.job) await this.services.engine.stop(this.current.job);
        return;
      case 'pickFolder': {
        const picked = await vscode.window.showOpenDialog({ title: 'ConvScope: the folder of images to map (one subfolder per label)', canSelectFiles: false, canSelectFolders: true, canSelectMany: false });
        const folder = picked?.[0]?.fsPath;
        if (folder) await this.showFolder(folder, viewOf(this.state, 'embedding').cacheDir ?? '');
        return;
      }
      case 'findSimilar':
        await this.findSimilar(message.path);
        return;
      case 'exportPng':
        return this.exportFile('png', Buffer.from(message.pngBase64, 'base64'));
      case 'exportData': {
        const last = this.last;
        if (!last) return this.fail('export', 'Nothing to export: run a map first.');
        const text = message.format === 'csv' ? embeddingCsv(last.map) : embeddingJson(last.map, this.state.model, last.folder);
        return this.exportFile(message.format, Buffer.from(text));
      }
      case 'frameTimes':
        this.services.log(`embedding map pan (${message.points} points): ${message.frames} frames, frame time median ${message.medianMs.toFixed(1)} ms, p95 ${message.p95Ms.toFixed(1)} ms; redraw median ${message.drawMedianMs.toFixed(1)} ms, p95 ${message.drawP95Ms.toFixed(1)} ms`);
        return;
      default:
        return assertNever(message);
    }
  }

  private async sendPlan(request: EmbeddingRequest): Promise<void> {
    const folder = this.folder;
    if (!folder) return;
    try {
      const plan = await this.services.engine.request(EngineRequests.folderPlan, embedParams(this.state.model, folder, undefined, request));
      this.post({ type: 'plan', request, plan });
    } catch (e) {
      this.post({ type: 'planError', request, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async runMap(request: EmbeddingRequest): Promise<void> {
    const folder = this.folder;
    if (!folder) return this.fail('run', 'Choose an image folder first.');
    const view = viewOf(this.state, 'embedding');
    this.state = { ...this.state, view: { ...view, options: request.options, ...(request.limit ? { limit: request.limit } : { limit: undefined }) } };
    await this.job(`Embedding map · ${path.basename(folder)}`, async (signal, onProgress) => {
      const current: NonNullable<EmbeddingPanel['current']> = { request };
      this.current = current;
      this.post({ type: 'runStarted', request });
      try {
        const result = await this.services.engine.request(EngineRequests.folderRun, embedParams(this.state.model, folder, view.cacheDir, request), { signal, onProgress, timeoutMs: runTimeoutMs, onJob: (job) => (current.job = job) });
        if (result.method !== 'embed') throw new Error(`the engine answered a ${result.method} run`);
        const space = typeof request.options.space === 'string' ? request.options.space : 'features';
        const map = mapForWebview(result, folder, space, (file) => this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString());
        this.last = { map, folder };
        this.post({ type: 'embedding', map });
      } finally {
        if (this.current === current) this.current = undefined;
      }
    });
  }

  /** Another helper's command; the map only names the image, the folder, the model and the layer. */
  private async findSimilar(file: string): Promise<void> {
    const folder = this.last?.folder ?? this.folder;
    try {
      await vscode.commands.executeCommand('convscope.findSimilarImages', vscode.Uri.file(file), { folder, model: this.state.model, layer: this.last?.map.layer });
    } catch (e) {
      this.fail('find similar images', e instanceof Error ? e.message : String(e));
    }
  }

  /** Asks where to save (default: the workspace's convscope-exports folder) and writes there. */
  private async exportFile(format: 'png' | 'csv' | 'json', bytes: Buffer): Promise<void> {
    const last = this.last;
    if (!last) return this.fail('export', 'Nothing to export: run a map first.');
    const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri;
    const name = `${embeddingExportBase(last.folder, last.map.embedding)}.${format}`;
    const defaultUri = root ? vscode.Uri.joinPath(root, exportFolderName, name) : vscode.Uri.file(path.join(path.dirname(last.folder), name));
    const target = await vscode.window.showSaveDialog({ title: `ConvScope: export the map as ${format.toUpperCase()}`, defaultUri, filters: { [format.toUpperCase()]: [format] } });
    if (!target) return;
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(target.fsPath)));
      await writeFile(target.fsPath, bytes);
      this.post({ type: 'exported', path: vscode.workspace.asRelativePath(target) });
      void vscode.window.showInformationMessage(`ConvScope: exported ${vscode.workspace.asRelativePath(target)}`, 'Open').then((choice) => {
        if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', target);
      });
    } catch (e) {
      this.fail('export', e instanceof Error ? e.message : String(e));
    }
  }

  private fail(what: string, message: string): void {
    this.services.log(`${what} failed: ${message}`);
    this.post({ type: 'error', message });
    void vscode.window.showErrorMessage(`ConvScope: ${message}`);
  }
}

/** The values that are set (a schema default may be absent: the engine then picks, e.g. the feature layer). */
function definedValues(values: Record<string, OptionValues[string] | undefined> | undefined): OptionValues {
  return Object.fromEntries(Object.entries(values ?? {}).filter((e): e is [string, OptionValues[string]] => e[1] !== undefined));
}
