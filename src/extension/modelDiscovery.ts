import * as vscode from 'vscode';
import { looksLikeTfjsModel } from './modelRecognition';
import { sidecarPath } from '../shared/sidecarPath';
import { styleNetworkRecordOf, type StyleNetworkInfo } from './styleNetworks';

/** Files above this size are not read to check whether they are models (weights are in shards). */
const maxModelJsonBytes = 64 * 1024 * 1024;

/** Every TF.js model file in the workspace (outside node_modules and .git), and apart from them the style networks (a sidecar with a "styleNetwork" record: not models to inspect). */
async function scanWorkspace(): Promise<{ models: vscode.Uri[]; styleNetworks: StyleNetworkInfo[] }> {
  const candidates = await vscode.workspace.findFiles('**/*.json', '{**/node_modules/**,**/.git/**}', 5000);
  const models: vscode.Uri[] = [];
  const styleNetworks: StyleNetworkInfo[] = [];
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  for (const uri of candidates) {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > maxModelJsonBytes) continue;
      if (!looksLikeTfjsModel(decode(await vscode.workspace.fs.readFile(uri)))) continue;
      const sidecar = await Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.file(sidecarPath(uri.fsPath)))).then(decode, () => undefined);
      const record = sidecar === undefined ? undefined : styleNetworkRecordOf(sidecar);
      if (record) styleNetworks.push({ file: uri.fsPath, ...record });
      else models.push(uri);
    } catch {
      // unreadable files are simply not models
    }
  }
  models.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  styleNetworks.sort((a, b) => a.file.localeCompare(b.file));
  return { models, styleNetworks };
}

/** Every TF.js model file in the workspace, style networks left out. */
export async function findModelFiles(): Promise<vscode.Uri[]> {
  return (await scanWorkspace()).models;
}

/** The workspace's style networks (trained by style-train or Train Style Network…). */
export async function findStyleNetworks(): Promise<StyleNetworkInfo[]> {
  return (await scanWorkspace()).styleNetworks;
}
