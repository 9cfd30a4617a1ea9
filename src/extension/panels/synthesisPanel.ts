import * as path from 'node:path';
import * as vscode from 'vscode';
import { EngineRequests, type ModelInfoResult, type StyleTrainParams, type SynthesisParams, type SynthesisResult } from '../../shared/engineProtocol';
import type { CostPlan } from '../../shared/methodSchema';
import type { OptionValues, PanelState, PickedFile, SynthesisIntent, SynthesisMethodInfo, SynthesisToWebview } from '../../shared/webviewProtocol';
import type { JobHandle } from '../engineClient';
import { PanelBase, type PanelServices } from './panelBase';
import { assertNever, channelLayers, effectiveOptionDefaults, modelName, readImageDataUrl, viewOf } from './panelData';
import { confinedImage, confineFileOptions, fileOptionPaths, imageExtensions, pickedFiles } from './synthesisFiles';
import { requestedView, runImage, saveSynthesis, type SavedSynthesis, type SynthesisRequest } from './synthesisData';
import { fastStyleMethod, readStyleNetwork, styleApplyAsSynthesis, styleTrainAsSynthesis } from '../styleNetworks';

/** A synthesis may run for a long time; Stop and Cancel end it, not a time-out. */
const runTimeoutMs = 6 * 60 * 60_000;

/**
 * Class/channel visualization, feature inversion and DeepDream for one model: the method's option
 * controls, its cost, Run with live previews, Stop (keeps the image so far), Save next to the input.
 */
export class SynthesisPanel extends PanelBase<SynthesisToWebview, SynthesisIntent> {
  /** The last result: re-sent to a reloading webview, and what Save writes. */
  private last: { result: SynthesisResult; image: string | undefined } | undefined;
  /** The running synthesis: its job for Stop, what it runs for a webview that reloads meanwhile. */
  private current: { job?: JobHandle; method: string; options: OptionValues; label?: string } | undefined;
  private readonly plans = new Map<string, Promise<CostPlan>>();
  /** Where each result was saved: a second Save of it says so instead of writing a copy. */
  private readonly saved = new WeakMap<SynthesisResult, SavedSynthesis>();

  constructor(panel: vscode.WebviewPanel, services: PanelServices, state: PanelState, onClosed: () => void) {
    super(panel, services, state, onClosed);
  }

  /** A command's method and options go over the panel's current choices (another method's values are kept). */
  showRequest(request: SynthesisRequest, image: string | undefined): Promise<void> {
    const view = requestedView(viewOf(this.state, 'synthesis'), request);
    return this.retarget({ view, ...(image ? { image } : {}) });
  }

  protected async onReady(): Promise<void> {
    const known = this.knownModelInfo();
    // A style network is no model to read: its panel offers the one fast style "method" alone.
    if (this.onStyleNetwork()) await this.postStyleInit();
    else if (known) await this.postInit(known);
    else {
      const info = await this.job(`Synthesis · ${modelName(this.state.model)}`, async (signal, onProgress) => {
        const fetched = await this.fetchModelInfo(signal, onProgress);
        await this.postInit(fetched);
        return fetched;
      });
      if (!info) return;
    }
    const last = this.last;
    if (last && (last.image === undefined || last.image === this.state.image)) this.post({ type: 'synthesis', result: last.result });
    // A webview reloaded during a run (a hidden tab shown again): its previews keep coming, Stop must work.
    if (this.current) this.post({ type: 'runStarted', method: this.current.method, options: this.current.options, label: this.current.label });
  }

  /** Whether the panel is on a style network (one to be trained has no sidecar yet: its view is on fast style). */
  private onStyleNetwork(): boolean {
    return viewOf(this.state, 'synthesis').method === fastStyleMethod.name || readStyleNetwork(this.state.model) !== undefined;
  }

  private async postStyleInit(): Promise<void> {
    const methods = [fastStyleMethod];
    this.post({
      type: 'synthesisInit',
      state: this.state,
      view: { ...viewOf(this.state, 'synthesis'), method: fastStyleMethod.name },
      modelName: modelName(this.state.model),
      imageName: '',
      imagePath: '',
      methods,
      optionDefaults: effectiveOptionDefaults(methods, this.services.settings().methodSetting) as Record<string, OptionValues>,
      layers: [],
      numClasses: 0,
      backend: await this.services.engine.start().then((r) => r.backend, () => 'engine'),
      files: await this.fileInfos(methods),
    });
  }

  /** The style network on a photo, at once (a command's pick): one forward pass. */
  async stylize(image: string): Promise<void> {
    await this.applyStyle({ ...viewOf(this.state, 'synthesis').options?.[fastStyleMethod.name], content: image });
  }

  private async applyStyle(options: OptionValues): Promise<void> {
    const network = this.state.model;
    await this.job(`Stylize · ${modelName(network)}`, async (signal, onProgress) => {
      const image = typeof options.content === 'string' ? options.content : undefined;
      if (!image) throw new Error('Choose a content photo first.');
      await confineFileOptions(fastStyleMethod, options, workspaceRoots());
      const size = typeof options.size === 'number' ? options.size : undefined;
      this.post({ type: 'runStarted', method: fastStyleMethod.name, options });
      const r = await this.services.engine.request(EngineRequests.styleApply, { styleNetwork: network, image, size }, { signal, onProgress });
      const result = styleApplyAsSynthesis(r, network, image, size);
      this.last = { result, image: undefined };
      this.post({ type: 'synthesis', result });
    });
  }

  /** Trains the panel's style network (its model.json to be): previews of the losses and of each checkpoint, Stop keeps a checkpoint. */
  async train(params: StyleTrainParams): Promise<void> {
    const options: OptionValues = params.previewImage ? { content: params.previewImage } : {};
    await this.job(`Train style network · ${modelName(this.state.model)}`, async (signal, onProgress) => {
      const current: NonNullable<SynthesisPanel['current']> = { method: fastStyleMethod.name, options, label: params.resume ? 'Training (resumed)' : 'Training' };
      this.current = current;
      this.post({ type: 'runStarted', method: current.method, options, label: current.label });
      const t0 = Date.now();
      try {
        const r = await this.services.engine.request(EngineRequests.styleTrain, params, {
          signal,
          onProgress,
          timeoutMs: runTimeoutMs,
          onJob: (job) => (current.job = job),
          onPreview: ({ pngBase64, scalars, step, of }) => this.post({ type: 'preview', preview: { pngBase64, scalars, step, of } }),
        });
        const result = styleTrainAsSynthesis(r, params.previewImage, Date.now() - t0);
        this.last = { result, image: undefined };
        this.post({ type: 'synthesis', result });
        void vscode.window.showInformationMessage(`ConvScope: style network ${r.stopped ? 'checkpoint' : ''} saved in ${vscode.workspace.asRelativePath(r.outModel)} (${r.stepsDone} of ${r.stepsAsked} steps).`.replace('  ', ' '));
      } finally {
        if (this.current === current) this.current = undefined;
      }
    });
  }

  private async postInit(info: ModelInfoResult): Promise<void> {
    const { model, image } = this.state;
    const methods = (info.synthesisMethods ?? []) as SynthesisMethodInfo[];
    if (methods.length === 0) this.post({ type: 'error', message: 'This engine offers no synthesis methods.' });
    this.post({
      type: 'synthesisInit',
      state: this.state,
      view: viewOf(this.state, 'synthesis'),
      modelName: modelName(model),
      imageName: image ? path.basename(image) : '',
      imagePath: image ? vscode.workspace.asRelativePath(image) : '',
      imageDataUrl: image ? await readImageDataUrl(image) : undefined,
      methods,
      optionDefaults: effectiveOptionDefaults(methods, this.services.settings().methodSetting) as Record<string, OptionValues>,
      layers: channelLayers(info.layers),
      numClasses: info.numClasses,
      backend: info.backend,
      files: await this.fileInfos(methods),
    });
  }

  protected async onMessage(message: SynthesisIntent): Promise<void> {
    switch (message.type) {
      case 'requestPlan':
        await this.sendPlan(message.method, message.options);
        return;
      case 'run':
        await this.synthesize(message.method, message.options);
        return;
      case 'stop':
        if (this.current?.job) await this.services.engine.stop(this.current.job);
        return;
      case 'save':
        await this.save();
        return;
      case 'pickImage':
        await this.pickImage();
        return;
      case 'pickFile':
        await this.pickFiles(message.method, message.key, message.many);
        return;
      default:
        return assertNever(message);
    }
  }

  private methodInfo(method: string): SynthesisMethodInfo | undefined {
    if (method === fastStyleMethod.name) return fastStyleMethod;
    return (this.knownModelInfo()?.synthesisMethods as SynthesisMethodInfo[] | undefined)?.find((m) => m.name === method);
  }

  /** The engine's parameters; throws when an option names a file outside the workspace. */
  private async params(method: string, options: OptionValues): Promise<SynthesisParams> {
    const info = this.methodInfo(method);
    return { model: this.state.model, method, image: runImage(this.state, info?.needsImage), options: await confineFileOptions(info, options, workspaceRoots()) };
  }

  /** Thumbnails of the images that the view's options and the last result name. */
  private fileInfos(methods: readonly SynthesisMethodInfo[]): Promise<PickedFile[]> {
    const options = viewOf(this.state, 'synthesis').options ?? {};
    const last = this.last?.result;
    const paths = methods.flatMap((m) => [...fileOptionPaths(m, options[m.name]), ...(last?.method === m.name ? fileOptionPaths(m, last.config.options as OptionValues) : [])]);
    return pickedFiles(paths, workspaceRoots(), (f) => vscode.workspace.asRelativePath(f));
  }

  /** Images for a 'file' or 'files' option from an open dialog; those outside the workspace are refused, with the reason. */
  private async pickFiles(method: string, key: string, many: boolean): Promise<void> {
    const spec = this.methodInfo(method)?.options[key];
    const picked = await vscode.window.showOpenDialog({
      title: `ConvScope: ${spec?.label ?? key}`,
      filters: { Images: imageExtensions },
      canSelectMany: many,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!picked?.length) return;
    const accepted: string[] = [];
    const refused: string[] = [];
    for (const uri of picked) {
      try {
        await confinedImage(uri.fsPath, workspaceRoots());
        accepted.push(uri.fsPath);
      } catch (e) {
        refused.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (refused.length) this.post({ type: 'error', message: refused.join('; ') });
    const files = await pickedFiles(accepted, workspaceRoots(), (f) => vscode.workspace.asRelativePath(f));
    if (files.length) this.post({ type: 'filesPicked', method, key, files });
  }

  private async synthesize(method: string, options: OptionValues): Promise<void> {
    if (method === fastStyleMethod.name) return this.applyStyle(options);
    const view = viewOf(this.state, 'synthesis');
    this.state = { ...this.state, view: { ...view, method } };
    const label = this.methodInfo(method)?.label ?? method;
    await this.job(`${label} · ${modelName(this.state.model)}`, async (signal, onProgress) => {
      const params = await this.params(method, options);
      const current: NonNullable<SynthesisPanel['current']> = { method, options };
      this.current = current;
      this.post({ type: 'runStarted', method, options });
      try {
        const result = await this.services.engine.request(EngineRequests.synthesize, params, {
          signal,
          onProgress,
          timeoutMs: runTimeoutMs,
          onJob: (job) => (current.job = job),
          onPreview: ({ pngBase64, scalars, step, of }) => this.post({ type: 'preview', preview: { pngBase64, scalars, step, of } }),
        });
        this.last = { result, image: params.image };
        this.post({ type: 'synthesis', result });
      } finally {
        if (this.current === current) this.current = undefined;
      }
    });
  }

  /** The cost with these options (cheap: no job, no notification, never cancels a run). */
  private async sendPlan(method: string, options: OptionValues): Promise<void> {
    if (method === fastStyleMethod.name) {
      this.post({ type: 'plan', method, options, plan: { forwardPasses: 1, backwardPasses: 0, summary: 'one forward pass of the style network' } });
      return;
    }
    let params: SynthesisParams;
    try {
      params = await this.params(method, options);
    } catch (e) {
      this.post({ type: 'planError', method, options, message: e instanceof Error ? e.message : String(e) });
      return;
    }
    const key = JSON.stringify([params.model, params.image ?? null, method, options]);
    // The promise is cached, so two quick asks share one request.
    let plan = this.plans.get(key);
    if (!plan) {
      plan = this.services.engine.request(EngineRequests.synthesisPlan, params);
      this.plans.set(key, plan);
    }
    try {
      this.post({ type: 'plan', method, options, plan: await plan });
    } catch (e) {
      this.plans.delete(key);
      this.post({ type: 'planError', method, options, message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async save(): Promise<void> {
    try {
      const result = this.last?.result;
      if (!result) throw new Error('Nothing to save: run a synthesis first.');
      const earlier = this.saved.get(result);
      const files = earlier ?? (await saveSynthesis(result));
      this.saved.set(result, files);
      this.post({ type: 'saved', png: vscode.workspace.asRelativePath(files.png), json: vscode.workspace.asRelativePath(files.json) });
      const uri = vscode.Uri.file(files.png);
      void vscode.window.showInformationMessage(`ConvScope: ${earlier ? 'already saved as' : 'saved'} ${vscode.workspace.asRelativePath(files.png)} and its config`, 'Open').then((choice) => {
        if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', uri);
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.services.log(`save failed: ${message}`);
      this.post({ type: 'error', message });
      void vscode.window.showErrorMessage(`ConvScope: ${message}`);
    }
  }

  private async pickImage(): Promise<void> {
    const current = this.state.image;
    const picked = await vscode.window.showOpenDialog({
      title: 'ConvScope: input image',
      filters: { Images: ['png', 'jpg', 'jpeg', 'bmp', 'webp'] },
      canSelectMany: false,
      defaultUri: current ? vscode.Uri.file(path.dirname(current)) : vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    const file = picked?.[0]?.fsPath;
    if (file) await this.retarget({ image: file });
  }
}

function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}
