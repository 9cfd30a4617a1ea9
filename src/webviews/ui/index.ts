/// <reference lib="dom" />
// The one module panels import their UI from: toolkit components (registered once), DOM helpers,
// the typed VS Code API, the shared panel frame and formatting.
export * from './dom';
export * from './format';
export * from './shell';
export * from './toolkit';
export * from './vscode';
