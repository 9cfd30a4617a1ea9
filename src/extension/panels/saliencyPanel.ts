import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineRequests, type ClassScore, type ModelInfoResult, type ModelParams, type PredictParams, type PredictResult, type ProgressParams, type SaliencyMethodInfo, type SaliencyMethodName, type SaliencyOptions, type SaliencyParams, type SaliencyPlanResult, type SaliencyResult, type TargetSpec } from '../../shared/engineProtocol';
import type { ColormapChoice, PanelState, SaliencyIntent, SaliencyToWebview } from '../../shared/webviewProtocol';
import { writeExportExclusive } from '../exportPath';
import { PanelBase, type PanelServices } from './panelBase';
import { assertNever, channelLayers, exportBaseName, exportFolderName, exportJson, effectiveOptionDefaults, isCheapMethod, looksLikePng, modelName, readImageDataUrl, runOptionsOf, viewOf } from './panelData';

type OnProgress = (p: ProgressParams) => void;
/** The user's option values per method from the panel, over the settings. */
type ChosenOptions = Record<SaliencyMethodName, SaliencyOptions> | undefined;

interface Run {
  image: string;
  methods: SaliencyMethodName[];
  target: TargetSpec;
  colormap: ColormapChoice;
  opacity: number;
  results: Map<SaliencyMethodName, SaliencyResult>;
}

/**
 * One image explained by one or more saliency methods side by side: target, colormap and opacity
 * pickers, each method's cost before it runs, export of a result to the workspace.
 */
export class SaliencyPanel extends PanelBase<SaliencyToWebview, SaliencyIntent> {
  /** The last comparison: re-sent to a reloading webview, and what export writes. */
  private run: Run | undefined;
  private readonly plans = new Map<string, Promise<SaliencyPlanResult>>();
  /** Model info and predictions for the current model and image. */
  private basics: { key: string; info: ModelInfoResult; predictions: ClassScore[] } | undefined;
  /** The image the webview was last initialised with (a new image resets a class target to the top class). */
  private shownImage: string | undefined;
  /** The file name (without extension) each result was last exported under: its PNG and JSON go side by side. */
  private readonly exportStems = new WeakMap<SaliencyResult, string>();

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: PanelState, onClosed: () => void) {
    super(panel, services, state, onClosed);
  }

  override async retarget(state: Partial<PanelState>): Promise<void> {
    this.basics = undefined; // asked again: read the model and predict afresh
    await super.retarget(state);
  }

  protected async onReady(): Promise<void> {
    const { model, image } = this.state;
    let view = viewOf(this.state, 'saliency');
    if (!this.state.view) view = { ...view, colormap: this.services.settings().colormap };
    if (this.shownImage !== undefined && image !== this.shownImage && view.target?.kind === 'class') view = { ...view, target: undefined };
    this.state = { ...this.state, view };
    this.shownImage = image;
    const key = JSON.stringify([model, image ?? null]);
    const basics = this.basics?.key === key ? this.basics : undefined;
    const run = this.run;
    if (basics && image && run?.image === image) {
      // A reloaded webview: show what was computed, without engine work.
      await this.postInit(basics.info, basics.predictions);
      this.replay(run);
      return;
    }
    await this.job(`Saliency · ${modelName(model)}`, async (signal, onProgress) => {
      const info = await this.services.engine.request(EngineRequests.modelInfo, { model }, { signal, onProgress });
      let predictions: ClassScore[] = [];
      if (image && !info.hideClasses) {
        predictions = (await this.services.engine.request(EngineRequests.predict, { model, image, topK: 5 }, { signal, onProgress })).top;
      }
      this.basics = { key, info, predictions };
      await this.postInit(info, predictions);
      if (!image) throw new Error('No image: run "ConvScope: Explain Image" on an image file.');
      if (run?.image === image) {
        this.replay(run);
        return;
      }
      // Nothing asked for this image yet: the cheap methods run unasked, so the panel opens on a result.
      const cheap = view.methods.filter((m) => isCheapMethod(this.methodInfo(m)));
      if (cheap.length > 0) await this.compare(cheap, view.target ?? { kind: 'class' }, view.colormap, view.opacity, view.options, signal, onProgress);
    });
  }

  private async postInit(info: ModelInfoResult, predictions: ClassScore[]): Promise<void> {
    const { model, image } = this.state;
    this.post({
      type: 'saliencyInit',
      state: this.state,
      view: viewOf(this.state, 'saliency'),
      modelName: modelName(model),
      imageName: image ? path.basename(image) : '',
      imageDataUrl: image ? await readImageDataUrl(image) : undefined,
      predictions,
      hideClasses: info.hideClasses,
      numClasses: info.numClasses,
      methods: info.methods ?? [],
      optionDefaults: effectiveOptionDefaults(info.methods ?? [], this.services.settings().methodSetting),
      layers: channelLayers(info.layers),
      backend: info.backend,
    });
  }

  /** Posts a comparison already computed. */
  private replay(run: Run): void {
    this.post({ type: 'runStarted', methods: run.methods, target: run.target });
    run.methods.forEach((m, index) => {
      const result = run.results.get(m);
      if (result) this.post({ type: 'saliency', result, index, count: run.methods.length });
    });
  }

  protected async onMessage(message: SaliencyIntent): Promise<void> {
    switch (message.type) {
      case 'requestPlans':
        await this.sendPlans(message.methods, message.options);
        return;
      case 'run': {
        const { methods, target, colormap, opacity, options } = message;
        this.state = { ...this.state, view: { ...viewOf(this.state, 'saliency'), methods, target, colormap, opacity, options } };
        await this.job(`Saliency: ${methods.join(', ')}`, (signal, onProgress) => this.compare(methods, target, colormap, opacity, options, signal, onProgress));
        return;
      }
      case 'export':
        await this.export(message.format, message.method, message.overlayPng, message.opacity);
        return;
      default:
        return assertNever(message);
    }
  }

  /** The engine's description of a method (its options, defaults and setting keys), once the model is read. */
  private methodInfo(name: SaliencyMethodName): SaliencyMethodInfo | undefined {
    return this.basics?.info.methods?.find((m) => m.name === name);
  }

  /** Runs the methods one after another on the same target; each result is posted as it comes. */
  private async compare(methods: SaliencyMethodName[], target: TargetSpec, colormap: ColormapChoice, opacity: number, chosen: ChosenOptions, signal: AbortSignal, onProgress: OnProgress): Promise<void> {
    const { model, image } = this.state;
    if (!image) throw new Error('No image: run "ConvScope: Explain Image" on an image file.');
    const run: Run = { image, methods, target, colormap, opacity, results: new Map() };
    this.run = run;
    this.post({ type: 'runStarted', methods, target });
    const settings = this.services.settings();
    for (const [index, method] of methods.entries()) {
      const params: SaliencyParams = { model, image, method, target, options: runOptionsOf(this.methodInfo(method), settings.methodSetting, chosen), colormap: colormap === 'auto' ? undefined : colormap, opacity };
      const result = await this.services.engine.request(EngineRequests.saliency, params, {
        signal,
        onProgress: (p) => onProgress({ ...p, fraction: (index + p.fraction) / methods.length, message: methods.length > 1 ? `${method} (${index + 1}/${methods.length}): ${p.message}` : p.message }),
      });
      run.results.set(method, result);
      this.post({ type: 'saliency', result, index, count: methods.length });
    }
  }

  /** The cost of each method with the current settings (cheap: no job, no notification, never cancels a run). */
  private async sendPlans(methods: SaliencyMethodName[], chosen: ChosenOptions): Promise<void> {
    const { model, image } = this.state;
    if (!image) return;
    const settings = this.services.settings();
    for (const method of methods) {
      const options = runOptionsOf(this.methodInfo(method), settings.methodSetting, chosen);
      const key = JSON.stringify([model, method, options]);
      // The promise is cached, so two quick asks share one request.
      let plan = this.plans.get(key);
      if (!plan) {
        plan = this.services.engine.request(EngineRequests.saliencyPlan, { model, image, method, options });
        this.plans.set(key, plan);
      }
      try {
        this.post({ type: 'plan', method, plan: await plan });
      } catch (e) {
        this.plans.delete(key);
        this.post({ type: 'error', message: `Cost of ${method}: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
  }

  /**
   * Writes `<workspace>/convscope-exports/<image>-<method>[-N].png|.json` and tells the webview and the
   * user. An earlier export is never replaced: a new one gets the next free number.
   */
  private async export(format: 'png' | 'json', method: SaliencyMethodName, overlayPng: string | undefined, opacity: number | undefined): Promise<void> {
    const run = this.run;
    const result = run?.results.get(method);
    try {
      if (!run || !result) throw new Error(`Nothing to export: run ${method} first.`);
      const imageUri = vscode.Uri.file(run.image);
      // On disk (not a virtual folder): only the file system can create a file exclusively.
      const folder = vscode.workspace.getWorkspaceFolder(imageUri) ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
      if (!folder) throw new Error('Open a folder first: exports go to its convscope-exports folder.');
      const dir = path.join(folder.uri.fsPath, exportFolderName);
      await mkdir(dir, { recursive: true });
      const bytes =
        format === 'png'
          ? Buffer.from(overlayPng && looksLikePng(overlayPng) ? overlayPng : result.overlayPng, 'base64')
          : Buffer.from(`${JSON.stringify(exportJson(this.state.model, run.image, result, { colormap: run.colormap, opacity: opacity ?? run.opacity }))}\n`);
      const written = await writeExportExclusive(dir, exportBaseName(run.image, method), format, bytes, this.exportStems.get(result));
      this.exportStems.set(result, written.stem);
      const file = vscode.Uri.file(written.file);
      this.post({ type: 'exported', format, path: file.fsPath });
      const shown = path.relative(folder.uri.fsPath, file.fsPath);
      void vscode.window.showInformationMessage(`ConvScope: exported ${shown}`, 'Open').then((choice) => {
        if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', file);
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.services.log(`export failed: ${message}`);
      this.post({ type: 'error', message });
      void vscode.window.showErrorMessage(`ConvScope: ${message}`);
    }
  }
}
