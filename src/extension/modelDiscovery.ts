import * as vscode from 'vscode';
import { looksLikeTfjsModel } from './modelRecognition';

/** Files above this size are not read to check whether they are models (weights are in shards). */
const maxModelJsonBytes = 64 * 1024 * 1024;

/** Every TF.js model file in the workspace (outside node_modules and .git). */
export async function findModelFiles(): Promise<vscode.Uri[]> {
  const candidates = await vscode.workspace.findFiles('**/*.json', '{**/node_modules/**,**/.git/**}', 5000);
  const found: vscode.Uri[] = [];
  for (const uri of candidates) {
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > maxModelJsonBytes) continue;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (looksLikeTfjsModel(text)) found.push(uri);
    } catch {
      // unreadable files are simply not models
    }
  }
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}
