// The one table of panel kinds. Everything else about a kind derives from its row: the PanelKind
// type, the webview bundle esbuild.mjs builds, the view type the panel registry creates and
// restores, the tab title. A new panel is a folder src/webviews/<kind>/ (main.ts), its panel
// class in src/extension/panels/panelClasses.ts, and a row here; package.json's
// onWebviewPanel activation events are written by hand and test/unit/packageManifest.test.ts
// checks them against this table.
// No imports: esbuild.mjs compiles this file on its own to read the rows.

export const panelKinds = [
  { kind: 'filters', title: 'Filters' },
  { kind: 'activations', title: 'Activations' },
  { kind: 'saliency', title: 'Saliency' },
  { kind: 'synthesis', title: 'Synthesis' },
  { kind: 'neighbors', title: 'Neighbours' },
  { kind: 'patches', title: 'Max-activating Patches' },
  { kind: 'embedding', title: 'Embedding Map' },
] as const;

export type PanelKind = (typeof panelKinds)[number]['kind'];

/** The webview panel type VS Code knows the kind by (also in package.json's activation events). */
export function viewType(kind: PanelKind): `convscope.${PanelKind}` {
  return `convscope.${kind}`;
}

export function panelTitle(kind: PanelKind): string {
  return panelKinds.find((row) => row.kind === kind)?.title ?? kind;
}

/** The browser entry of a kind's webview, relative to the repository root. */
export function webviewEntry(kind: PanelKind): string {
  return `src/webviews/${kind}/main.ts`;
}

/** Where esbuild.mjs writes that webview's bundle, relative to the extension root. */
export function webviewBundle(kind: PanelKind): string {
  return `dist/webviews/${kind}.js`;
}
