import * as vscode from 'vscode';
import type { LayerInfo, ModelInfoResult } from '../../shared/engineProtocol';
import { defaultViews } from '../../shared/webviewProtocol';
import type { ExplorerNode, ModelExplorer } from '../modelExplorer';
import { channelCount } from '../panels/panelData';
import type { PanelRegistry } from '../panels/panelRegistry';
import { requestedView, type SynthesisRequest } from '../panels/synthesisData';
import { confinedImage } from '../panels/synthesisFiles';
import { SynthesisPanel } from '../panels/synthesisPanel';
import { parseIndex } from './indexInput';
import { pickFeatureModel, pickImage, pickModel, pickWorkspaceImages } from './pickers';
import { pickStyleRoute, stylizeWithNetwork, trainStyleNetworkCommand } from './styleNetworkCommands';

export interface SynthesisCommandServices {
  context: vscode.ExtensionContext;
  explorer: ModelExplorer;
  panels: PanelRegistry;
}

type ChannelNode = Extract<ExplorerNode, { kind: 'channel' }>;

/**
 * The synthesis commands: each opens the model's Synthesis panel (or points the open one) at a
 * method with the options the command knows (the class, the layer and channel); the panel shows
 * the cost and runs on Run. The model is picked and remembered as for Explain.
 */
export function registerSynthesisCommands(s: SynthesisCommandServices): vscode.Disposable[] {
  const register = (id: string, run: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, run);
  const onImage = (method: string) => async (uri?: vscode.Uri) => {
    const image = uri?.fsPath ?? (await pickImage());
    const model = image && (await pickModel(s.context, s.explorer));
    if (image && model) await openSynthesis(s.panels, model, image, { method });
  };
  const visualizeChannel = async (node?: ChannelNode) => {
    const model = node?.model ?? (await pickModel(s.context, s.explorer));
    const picked = model && (node ? { layer: node.layer.name, channel: node.channel } : await pickChannel(await modelInfo(s.explorer, model)));
    // No class target: the visualization then maximises the channel.
    if (model && picked) await openSynthesis(s.panels, model, undefined, { method: 'visualize', options: { target: undefined, ...picked } });
  };
  /** Style transfer with this content image: the style images are asked for; nothing runs until Run. */
  const stylize = async (content: string | undefined) => {
    const confined = content && (await inWorkspace(content));
    const styles = confined && (await pickWorkspaceImages('ConvScope: which style image(s)? (several: a blend)', [confined]));
    const checked = styles && (await Promise.all(styles.map(inWorkspace)));
    if (!confined || !checked || checked.some((f) => f === undefined)) return;
    const model = await pickFeatureModel(s.context, s.explorer);
    // New style images: weights set for an earlier list would not fit them.
    if (model) await openSynthesis(s.panels, model, undefined, { method: 'style', options: { content: confined, styles: checked as string[], styleWeights: undefined } });
  };
  return [
    register('convscope.synthesizeTexture', async () => {
      const image = await pickImage();
      const model = image && (await pickFeatureModel(s.context, s.explorer));
      if (image && model) await openSynthesis(s.panels, model, image, { method: 'texture' });
    }),
    // First the style: a trained style network (one forward pass, shown at once) or the optimization path.
    register('convscope.stylizeImage', async () => {
      const route = await pickStyleRoute(s.context);
      const image = route && (await pickImage());
      if (route === 'optimize') await stylize(image);
      else if (route && image) await stylizeWithNetwork(s.panels, route, image);
    }),
    register('convscope.stylizeWith', async (uri?: vscode.Uri) => {
      const route = await pickStyleRoute(s.context);
      const image = route && (uri?.fsPath ?? (await pickImage()));
      if (route === 'optimize') await stylize(image);
      else if (route && image) await stylizeWithNetwork(s.panels, route, image);
    }),
    register('convscope.trainStyleNetwork', async () => trainStyleNetworkCommand(s)),
    register('convscope.dreamImage', onImage('dream')),
    register('convscope.dreamWith', onImage('dream')),
    register('convscope.invertFeatures', onImage('invert')),
    register('convscope.visualizeClass', async () => {
      const model = await pickModel(s.context, s.explorer);
      const target = model && (await pickClass(await modelInfo(s.explorer, model)));
      // A channel left from an earlier visualization would contradict the class (the engine takes one or the other).
      if (model && target !== undefined) await openSynthesis(s.panels, model, undefined, { method: 'visualize', options: { target, channel: undefined } });
    }),
    register('convscope.visualizeChannel', visualizeChannel),
    register('convscope.visualizeThisChannel', visualizeChannel),
  ];
}

/** The image's checked path, or undefined after saying why it cannot be used (outside the workspace…). */
async function inWorkspace(file: string): Promise<string | undefined> {
  try {
    await confinedImage(file, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
    return file;
  } catch (e) {
    void vscode.window.showErrorMessage(`ConvScope: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** The open panel takes the request over its current choices; a new one starts from it. */
async function openSynthesis(panels: PanelRegistry, model: string, image: string | undefined, request: SynthesisRequest): Promise<void> {
  const open = panels.find('synthesis', model);
  if (open instanceof SynthesisPanel) return open.showRequest(request, image);
  await panels.show({ kind: 'synthesis', model, image, view: requestedView(defaultViews.synthesis, request) });
}

function modelInfo(explorer: ModelExplorer, model: string): Promise<ModelInfoResult> {
  return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ConvScope: reading the model' }, () => explorer.info(model)));
}

/** A class from the model's labels (quick pick), or by number when it has none or hides them. */
async function pickClass(info: ModelInfoResult): Promise<number | undefined> {
  const labels = info.labels && !info.hideClasses ? info.labels : undefined;
  if (labels?.length) {
    const item = await vscode.window.showQuickPick(
      labels.map((label, index) => ({ label: `${index}`, description: label, index })),
      { title: 'ConvScope: which class to visualize?', matchOnDescription: true },
    );
    return item?.index;
  }
  return askIndex(info.numClasses, 'class', 'ConvScope: which class to visualize? (class index)');
}

/** A conv layer (quick pick), then one of its channels (by number). */
async function pickChannel(info: ModelInfoResult): Promise<{ layer: string; channel: number } | undefined> {
  const layers = info.layers.filter((l) => l.isConv && channelCount(l) !== undefined);
  if (layers.length === 0) {
    void vscode.window.showErrorMessage('ConvScope: this model has no conv layer with channels to visualize.');
    return undefined;
  }
  const item = await vscode.window.showQuickPick(
    layers.map((layer: LayerInfo) => ({ label: layer.name, description: `${layer.type} · ${channelCount(layer)} channels`, layer })),
    { title: 'ConvScope: which layer?' },
  );
  if (!item) return undefined;
  const channel = await askIndex(channelCount(item.layer) ?? 0, 'channel', `ConvScope: which channel of ${item.layer.name}?`);
  return channel === undefined ? undefined : { layer: item.layer.name, channel };
}

async function askIndex(count: number, what: string, title: string): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    value: '0',
    prompt: `0 to ${count - 1}`,
    validateInput: (t) => {
      const r = parseIndex(t, count, what);
      return 'error' in r ? r.error : undefined;
    },
  });
  if (text === undefined) return undefined;
  const r = parseIndex(text, count, what);
  return 'index' in r ? r.index : undefined;
}
