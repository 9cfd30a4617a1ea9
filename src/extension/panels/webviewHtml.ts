import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewBundle, type PanelKind } from '../../shared/panelKinds';

/**
 * The page of every panel: CSP `default-src 'none'`, only our own script (by nonce) and style
 * from the extension, images as data: URLs (PNG bytes come from the engine). Nothing remote.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: PanelKind, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, webviewBundle(kind)));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  // The toolkit (FAST) probes :focus-visible support with a <style> element carrying the nonce of
  // meta[property=csp-nonce]; without it every page load logs a CSP violation. Style attributes
  // stay blocked (a nonce does not allow them).
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data: blob:`, `style-src ${webview.cspSource} 'nonce-${nonce}'`, `font-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main id="app" data-panel="${kind}"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Webviews may load only from the extension's media and dist folders. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist')] };
}
