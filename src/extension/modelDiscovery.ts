import { open } from 'node:fs/promises';
import * as vscode from 'vscode';
import { looksLikeOnnxModel, looksLikeTfjsModel } from './modelRecognition';
import { sidecarPath } from '../shared/sidecarPath';
import { styleNetworkRecordOf, type StyleNetworkInfo } from './styleNetworks';

/** Files above this size are not read to check whether they are models (weights are in shards). */
const maxModelJsonBytes = 64 * 1024 * 1024;

const excluded = '{**/node_modules/**,**/.git/**}';
/** How many bytes of a binary model file are read to recognise it. */
const headBytes = 64 * 1024;

/** The first `headBytes` of a file (binary models can be hundreds of MB: never read whole here). */
async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buf = new Uint8Array(headBytes);
    const { bytesRead } = await handle.read(buf, 0, headBytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Binary model formats, recognised by their first bytes (the engine's loaders read them). */
const binaryFormats: { glob: string; recognise: (head: Uint8Array, size: number) => boolean }[] = [{ glob: '**/*.onnx', recognise: looksLikeOnnxModel }];

async function binaryModels(): Promise<vscode.Uri[]> {
  const found: vscode.Uri[] = [];
  for (const format of binaryFormats) {
    for (const uri of await vscode.workspace.findFiles(format.glob, excluded, 5000)) {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (format.recognise(await readHead(uri.fsPath), stat.size)) found.push(uri);
      } catch {
        // unreadable files are simply not models
      }
    }
  }
  return found;
}

/** Every model file in the workspace (outside node_modules and .git): TF.js model JSON and ONNX, and apart from them the style networks (a sidecar with a "styleNetwork" record: not models to inspect). */
async function scanWorkspace(): Promise<{ models: vscode.Uri[]; styleNetworks: StyleNetworkInfo[] }> {
  const candidates = await vscode.workspace.findFiles('**/*.json', excluded, 5000);
  const models: vscode.Uri[] = await binaryModels();
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

/** Every model file in the workspace (TF.js model JSON, ONNX), style networks left out. */
export async function findModelFiles(): Promise<vscode.Uri[]> {
  return (await scanWorkspace()).models;
}

/** The workspace's style networks (trained by style-train or Train Style Network…). */
export async function findStyleNetworks(): Promise<StyleNetworkInfo[]> {
  return (await scanWorkspace()).styleNetworks;
}
