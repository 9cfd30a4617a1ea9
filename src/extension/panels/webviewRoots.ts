import * as vscode from 'vscode';
import { webviewOptions } from './webviewHtml';

/**
 * The folders a folder panel's webview may load images from (its image folder, a query's folder),
 * besides the extension's own files. The list only grows: setting the webview's options reloads
 * the page, so a folder seen once stays allowed and going back to it costs no reload.
 */
export class WebviewRoots {
  private roots: string[] = [];

  constructor(
    private readonly webview: vscode.Webview,
    private readonly extensionUri: vscode.Uri,
  ) {}

  allow(folders: readonly (string | undefined)[]): void {
    const wanted = folders.filter((f): f is string => !!f);
    if (wanted.every((f) => this.roots.includes(f))) return;
    this.roots = [...new Set([...this.roots, ...wanted])];
    const base = webviewOptions(this.extensionUri);
    this.webview.options = { ...base, localResourceRoots: [...(base.localResourceRoots ?? []), ...this.roots.map((f) => vscode.Uri.file(f))] };
  }
}
