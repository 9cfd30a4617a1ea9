import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeExportExclusive, type ExportFormat, type WrittenExport } from '../exportPath';
import { exportFolderName } from './panelData';

/**
 * Writes one export of a folder panel to `<workspace folder>/convscope-exports/<base>[-N].<format>`
 * (never over an earlier one; `pairStem` keeps the formats of one result side by side) and offers
 * to open it. `anchor` picks the workspace folder: the one holding the image folder, else the first on disk.
 */
export async function writeFolderExport(anchor: string, base: string, format: ExportFormat, bytes: Uint8Array, pairStem?: string): Promise<WrittenExport> {
  // On disk (not a virtual folder): only the file system can create a file exclusively.
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(anchor)) ?? vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  if (!folder) throw new Error('Open a folder first: exports go to its convscope-exports folder.');
  const dir = path.join(folder.uri.fsPath, exportFolderName);
  await mkdir(dir, { recursive: true });
  const written = await writeExportExclusive(dir, base, format, bytes, pairStem);
  const file = vscode.Uri.file(written.file);
  void vscode.window.showInformationMessage(`ConvScope: exported ${path.relative(folder.uri.fsPath, written.file)}`, 'Open').then((choice) => {
    if (choice === 'Open') void vscode.commands.executeCommand('vscode.open', file);
  });
  return written;
}
