// Fast style from the extension: the Stylize commands' first question (a trained style network,
// shipped or in the workspace, or the optimization path), and Train Style Network… (style image,
// content folder, output folder, steps; resume when the folder holds a checkpoint).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultViews } from '../../shared/webviewProtocol';
import { findStyleNetworks } from '../modelDiscovery';
import type { ModelExplorer } from '../modelExplorer';
import type { PanelRegistry } from '../panels/panelRegistry';
import { SynthesisPanel } from '../panels/synthesisPanel';
import { contentFolderItems, defaultTrainSteps, fastStyleMethod, insideWorkspace, outputFolderState, parseSteps, shippedStyleNetworks, stylizeItems } from '../styleNetworks';
import { pickFeatureModel, pickImage } from './pickers';

export interface StyleNetworkServices {
  context: vscode.ExtensionContext;
  explorer: ModelExplorer;
  panels: PanelRegistry;
}

/** The style network to use (its model.json), 'optimize' for the Gatys path, or undefined when the user backs out. */
export async function pickStyleRoute(context: vscode.ExtensionContext): Promise<string | 'optimize' | undefined> {
  const shipped = context.extensionPath ? shippedStyleNetworks(context.extensionPath) : [];
  const workspace = await findStyleNetworks();
  const item = await vscode.window.showQuickPick(stylizeItems(shipped, workspace, (f) => vscode.workspace.asRelativePath(f)), {
    title: 'ConvScope: stylize with which style?',
    placeHolder: 'A trained style network (one forward pass), or optimize with a style image of yours',
    matchOnDescription: true,
  });
  if (!item) return undefined;
  return item.network ?? 'optimize';
}

/** The Synthesis panel of the style network, showing the photo through it at once. */
export async function stylizeWithNetwork(panels: PanelRegistry, network: string, image: string): Promise<void> {
  const panel = await openStyleNetworkPanel(panels, network, image);
  await panel?.stylize(image);
}

async function openStyleNetworkPanel(panels: PanelRegistry, modelFile: string, content: string | undefined): Promise<SynthesisPanel | undefined> {
  const options = content ? { [fastStyleMethod.name]: { content } } : {};
  const open = panels.find('synthesis', modelFile);
  const view = open ? { ...open.state.view, kind: 'synthesis' as const, method: fastStyleMethod.name, options: { ...(open.state.view?.kind === 'synthesis' ? open.state.view.options : {}), ...options } } : { ...defaultViews.synthesis, method: fastStyleMethod.name, options };
  await panels.show({ kind: 'synthesis', model: modelFile, view });
  const panel = panels.find('synthesis', modelFile);
  return panel instanceof SynthesisPanel ? panel : undefined;
}

function roots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/** Train Style Network…: asks, then trains in the output folder's Synthesis panel. */
export async function trainStyleNetworkCommand(s: StyleNetworkServices): Promise<void> {
  const root = roots()[0];
  if (!root) {
    void vscode.window.showErrorMessage('ConvScope: open a folder first: the style network is written into the workspace.');
    return;
  }
  const style = await pickImage('ConvScope: which style image to learn?');
  if (!style) return;
  const contentDir = await pickContentFolder(root);
  if (!contentDir) return;
  const styleStem = path.basename(style, path.extname(style)).replace(/[^A-Za-z0-9._-]+/g, '-');
  const outText = await vscode.window.showInputBox({
    title: 'ConvScope: where to write the style network? (a folder inside the workspace)',
    value: `models/style-${styleStem}`,
    validateInput: (t) => (t.trim() && insideWorkspace(path.resolve(root, t.trim()), roots()) ? undefined : 'a folder inside the workspace'),
  });
  if (!outText) return;
  const outModel = path.resolve(root, outText.trim());
  const folder = outputFolderState(outModel);
  let resume = false;
  if (folder.kind === 'notEmpty') {
    void vscode.window.showErrorMessage(`ConvScope: ${vscode.workspace.asRelativePath(outModel)} is not empty and holds no checkpoint: choose a new folder.`);
    return;
  }
  if (folder.kind === 'checkpoint') {
    const choice = await vscode.window.showInformationMessage(`ConvScope: ${vscode.workspace.asRelativePath(outModel)} holds a checkpoint after ${folder.stepsDone} steps. Resume it?`, { modal: true }, 'Resume');
    if (choice !== 'Resume') return;
    resume = true;
  }
  const least = folder.kind === 'checkpoint' ? folder.stepsDone + 1 : 1;
  const stepsText = await vscode.window.showInputBox({
    title: 'ConvScope: how many training steps in all?',
    value: String(Math.max(defaultTrainSteps, least)),
    prompt: resume ? `more than the ${least - 1} done` : 'each step: a batch of crops through the style network and the feature network',
    validateInput: (t) => {
      const r = parseSteps(t);
      if ('error' in r) return r.error;
      return r.steps < least ? `more than the ${least - 1} steps done` : undefined;
    },
  });
  const parsed = stepsText === undefined ? undefined : parseSteps(stepsText);
  if (!parsed || 'error' in parsed) return;
  const featureModel = await pickFeatureModel(s.context, s.explorer);
  if (!featureModel) return;
  const images = await vscode.workspace.findFiles(new vscode.RelativePattern(contentDir, '**/*.{png,jpg,jpeg,bmp,PNG,JPG,JPEG,BMP}'), undefined, 50);
  const previewImage = images.map((u) => u.fsPath).sort()[0];
  const modelFile = path.join(outModel, 'model.json');
  const panel = await openStyleNetworkPanel(s.panels, modelFile, previewImage);
  await panel?.train({ featureModel, style, contentDir, outModel, steps: parsed.steps, resume, ...(previewImage ? { previewImage } : {}) });
}

/** A folder of photos: those of the workspace holding images (the usual ones first), or any folder. */
async function pickContentFolder(root: string): Promise<string | undefined> {
  const images = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,bmp,PNG,JPG,JPEG,BMP}', '{**/node_modules/**,**/.git/**,**/convscope-exports/**}', 2000);
  const folders = contentFolderItems(images.map((u) => u.fsPath), root);
  const browse = { label: '$(folder-opened) Browse…', dir: '' };
  const item = await vscode.window.showQuickPick([...folders.map((f) => ({ label: vscode.workspace.asRelativePath(f.dir) || '.', description: `${f.images} image${f.images === 1 ? '' : 's'}`, dir: f.dir })), browse], {
    title: 'ConvScope: which folder of photos to train on?',
  });
  if (!item) return undefined;
  if (item.dir) return item.dir;
  const picked = await vscode.window.showOpenDialog({ title: 'ConvScope: folder of content photos', canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: vscode.Uri.file(root) });
  return picked?.[0]?.fsPath;
}
