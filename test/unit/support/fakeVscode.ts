// A stand-in for the parts of the `vscode` API the folder panels' hosts use, for `vi.mock('vscode',
// async () => (await import('./support/fakeVscode')).fakeVscode(host))`. What the panel does with
// VS Code lands in `host`: commands it runs, files it opens, messages it shows. It imports nothing
// of vscode's, so the mock factory can load it.
import * as path from 'node:path';

export interface FakeVscodeHost {
  /** The workspace folder; none when empty or absent. */
  ws?: string;
  /** fsPath of the URI each executeCommand call passes (e.g. `vscode.open`). */
  opened?: string[];
  /** Every executeCommand call's arguments, the command id first. */
  commands?: unknown[][];
  /** error: / info: lines the panel showed. */
  messages?: string[];
  /** Where a save dialog answers; undefined: the user backs out. */
  saveTo?: string;
}

export function fakeVscode(host: FakeVscodeHost, uriScheme = 'webview') {
  class Uri {
    constructor(readonly fsPath: string) {}
    static file(f: string) {
      return new Uri(f);
    }
    static joinPath(u: Uri, ...parts: string[]) {
      return new Uri([u.fsPath, ...parts].join('/'));
    }
    toString() {
      return `${uriScheme}:${this.fsPath}`;
    }
  }
  const folders = () => (host.ws ? [{ uri: Uri.file(host.ws) }] : undefined);
  return {
    Uri,
    ProgressLocation: { Notification: 15 },
    window: {
      withProgress: (_o: unknown, task: (p: unknown, t: unknown) => Promise<unknown>) => task({ report: () => {} }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) }),
      showErrorMessage: async (m: string) => void host.messages?.push(`error: ${m}`),
      showInformationMessage: async (m: string) => void host.messages?.push(`info: ${m}`),
      showSaveDialog: async () => (host.saveTo ? Uri.file(host.saveTo) : undefined),
      showOpenDialog: async () => undefined,
    },
    workspace: {
      get workspaceFolders() {
        return folders();
      },
      getWorkspaceFolder: () => folders()?.[0],
      asRelativePath: (p: string | { fsPath: string }) => {
        const file = typeof p === 'string' ? p : p.fsPath;
        return host.ws ? path.relative(host.ws, file) : file;
      },
      fs: { createDirectory: async () => undefined },
    },
    commands: {
      executeCommand: async (...args: unknown[]) => {
        host.commands?.push(args);
        const uri = args[1] as { fsPath?: string } | undefined;
        if (uri?.fsPath) host.opened?.push(uri.fsPath);
      },
    },
  };
}
