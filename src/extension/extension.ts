import * as vscode from 'vscode';
import { infoScheme, ModelInfoDocuments } from './commands/infoDocument';
import { registerCommands } from './commands/registerCommands';
import { EngineClient } from './engineClient';
import { ModelExplorer } from './modelExplorer';
import { PanelRegistry } from './panels/panelRegistry';
import { readSettings } from './settings';
import { EngineStatusBar } from './statusBar';

let engine: EngineClient | undefined;

/**
 * Glue only: the engine client (forked lazily), the Model Explorer, commands, panels and the
 * status bar. All numerical work happens in the engine child process.
 */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('ConvScope');
  const log = (line: string) => {
    try {
      output.appendLine(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
    } catch {
      // The channel is closed while the window shuts down; the engine may still report its exit.
    }
  };
  const client = new EngineClient({ enginePath: context.asAbsolutePath('dist/engine.js'), backend: readSettings().backend, log });
  engine = client;
  const explorer = new ModelExplorer(client);
  const statusBar = new EngineStatusBar(client);
  const panels = new PanelRegistry({ engine: client, extensionUri: context.extensionUri, log, settings: readSettings });
  let warnedBackend = false;
  context.subscriptions.push(
    output,
    explorer,
    statusBar,
    panels,
    vscode.window.createTreeView('convscope.modelExplorer', { treeDataProvider: explorer, showCollapseAll: true }),
    vscode.workspace.registerTextDocumentContentProvider(infoScheme, new ModelInfoDocuments(explorer)),
    ...registerCommands({ context, explorer, panels, output }),
    client.onReady((r) => {
      // Asked for a native backend that could not load: say why, once, and carry on with the fallback.
      const wanted = readSettings().backend;
      if (!warnedBackend && (wanted === 'native' || wanted === 'native-gpu') && r.backend !== 'tensorflow') {
        warnedBackend = true;
        void vscode.window.showWarningMessage(`ConvScope: the ${wanted} backend could not load (${r.skipped.join('; ')}); using ${r.backend}.`);
      }
    }),
    client.onExit((e) => {
      if (!e.expected) log(`engine stopped unexpectedly: ${e.stderr.split('\n').slice(-3).join(' | ')}`);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('convscope.backend')) void restartEngine(client, log);
    }),
    { dispose: () => void client.dispose() },
  );
  log('ConvScope activated');
}

/** A new backend preference takes effect with the next engine; stop the current one. */
async function restartEngine(client: EngineClient, log: (l: string) => void): Promise<void> {
  log('backend setting changed: the engine restarts on next use');
  await client.restart(readSettings().backend);
}

export async function deactivate(): Promise<void> {
  await engine?.dispose();
}
