import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelExplorer } from '../modelExplorer';
import { modelName } from '../panels/panelRegistry';
import { readSettings } from '../settings';

const lastModelKey = 'convscope.lastModel';

/**
 * The model to use: the `convscope.defaultModel` setting, else the one used last in this
 * workspace, else the only one, else a quick pick (remembered). Undefined if the user backs out.
 */
export async function pickModel(context: vscode.ExtensionContext, explorer: ModelExplorer, options: { ask?: boolean } = {}): Promise<string | undefined> {
  const files = (await explorer.modelFiles()).map((u) => u.fsPath);
  const configured = resolveSetting(readSettings().defaultModel);
  if (!options.ask && configured) return configured;
  const last = context.workspaceState.get<string>(lastModelKey);
  if (!options.ask && last && files.includes(last)) return last;
  if (!options.ask && files.length === 1) return remember(context, files[0]!);
  if (files.length === 0) {
    const picked = await vscode.window.showOpenDialog({ title: 'ConvScope: choose a model (TF.js model.json or .onnx)', filters: { Models: ['json', 'onnx'] }, canSelectMany: false });
    return picked?.[0] ? remember(context, picked[0].fsPath) : undefined;
  }
  const item = await vscode.window.showQuickPick(
    files.map((f) => ({ label: modelName(f), description: vscode.workspace.asRelativePath(f), file: f })),
    { title: 'ConvScope: which model?', placeHolder: 'Model to explain with (remembered for this workspace)' },
  );
  return item ? remember(context, item.file) : undefined;
}

/** Whether a model file is an InceptionV3 (by its name: the folder of a model.json). */
export function isInception(file: string): boolean {
  return /inception[-_ ]?v?3/i.test(modelName(file));
}

/**
 * The model of a method that uses a feature network (texture, style): the one used last if it is an
 * InceptionV3, else the workspace's InceptionV3 (remembered), else as pickModel (setting, last, ask).
 */
export async function pickFeatureModel(context: vscode.ExtensionContext, explorer: ModelExplorer): Promise<string | undefined> {
  const files = (await explorer.modelFiles()).map((u) => u.fsPath);
  const last = context.workspaceState.get<string>(lastModelKey);
  if (last && files.includes(last) && isInception(last)) return last;
  const inception = files.find(isInception);
  if (inception) return remember(context, inception);
  return pickModel(context, explorer);
}

const imageGlob = '**/*.{png,jpg,jpeg,bmp,webp,PNG,JPG,JPEG,BMP,WEBP}';
const imageExcludes = '{**/node_modules/**,**/.git/**,**/convscope-exports/**}';

/** Images of the workspace (several may be picked: a quick pick with check boxes); none picked: undefined. */
export async function pickWorkspaceImages(title: string, exclude: readonly string[] = []): Promise<string[] | undefined> {
  const images = (await vscode.workspace.findFiles(imageGlob, imageExcludes, 500)).filter((u) => !exclude.includes(u.fsPath));
  if (images.length === 0) {
    void vscode.window.showErrorMessage('ConvScope: no images in this workspace to take the style from.');
    return undefined;
  }
  const items = await vscode.window.showQuickPick(
    images.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u), file: u.fsPath })),
    { title, canPickMany: true },
  );
  return items?.length ? items.map((i) => i.file) : undefined;
}

/** An image from the workspace (quick pick) or anywhere (file dialog). */
export async function pickImage(title = 'ConvScope: which image?'): Promise<string | undefined> {
  const images = await vscode.workspace.findFiles(imageGlob, imageExcludes, 500);
  const browse = { label: '$(folder-opened) Browse…', file: '' };
  const item = await vscode.window.showQuickPick([...images.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u), file: u.fsPath })), browse], { title });
  if (!item) return undefined;
  if (item.file) return item.file;
  const picked = await vscode.window.showOpenDialog({ title: 'ConvScope: choose an image', filters: { Images: ['png', 'jpg', 'jpeg', 'bmp', 'webp'] }, canSelectMany: false });
  return picked?.[0]?.fsPath;
}

function remember(context: vscode.ExtensionContext, file: string): string {
  void context.workspaceState.update(lastModelKey, file);
  return file;
}

function resolveSetting(value: string): string | undefined {
  if (!value) return undefined;
  if (path.isAbsolute(value)) return value;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, value) : undefined;
}
