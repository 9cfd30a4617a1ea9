import * as path from 'node:path';
import * as vscode from 'vscode';

const folderKey = 'convscope.imageFolder';

/**
 * The image folder of the folder methods (neighbours, maps, patches): chosen once per workspace and
 * remembered; `ask` (or a remembered folder that is no longer in the workspace's reach) asks again.
 * Labels are the folder's immediate subfolders. Undefined if the user backs out.
 */
export async function pickImageFolder(context: vscode.ExtensionContext, options: { ask?: boolean; near?: string } = {}): Promise<string | undefined> {
  const remembered = context.workspaceState.get<string>(folderKey);
  if (!options.ask && remembered && (await isFolder(remembered))) return remembered;
  const start = options.near ? vscode.Uri.file(path.dirname(path.dirname(options.near))) : vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    title: 'ConvScope: the folder of images to compare (one subfolder per label; remembered for this workspace)',
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    ...(start ? { defaultUri: start } : {}),
  });
  const folder = picked?.[0]?.fsPath;
  if (folder) await context.workspaceState.update(folderKey, folder);
  return folder;
}

/** The remembered folder, without asking (undefined when none). */
export function rememberedImageFolder(context: vscode.ExtensionContext): string | undefined {
  return context.workspaceState.get<string>(folderKey);
}

/** Where the engine keeps feature tables for the extension: its global storage, outside every workspace. */
export function featureCacheDir(context: vscode.ExtensionContext): string {
  return path.join(context.globalStorageUri.fsPath, 'features');
}

async function isFolder(file: string): Promise<boolean> {
  try {
    return (await vscode.workspace.fs.stat(vscode.Uri.file(file))).type === vscode.FileType.Directory;
  } catch {
    return false;
  }
}
