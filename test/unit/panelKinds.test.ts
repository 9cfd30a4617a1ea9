// The table of panel kinds (src/shared/panelKinds.ts) against what each row needs: a webview
// entry that esbuild.mjs bundles, a host-side panel class, and a serializer in the registry.
// (Its activation events are checked in packageManifest.test.ts.)
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { panelKinds, webviewEntry } from '../../src/shared/panelKinds';

const host = vi.hoisted(() => ({ serialized: [] as string[] }));

vi.mock('vscode', () => ({
  window: {
    registerWebviewPanelSerializer: (viewType: string) => {
      host.serialized.push(viewType);
      return { dispose() {} };
    },
  },
}));

const { PanelBase } = await import('../../src/extension/panels/panelBase');
const { panelClasses } = await import('../../src/extension/panels/panelClasses');
const { PanelRegistry } = await import('../../src/extension/panels/panelRegistry');

const root = path.resolve(__dirname, '../..');
const kinds = panelKinds.map((row) => row.kind);

describe('panel kinds table', () => {
  it('has unique kinds and titles', () => {
    expect(kinds.length).toBeGreaterThan(0);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(new Set(panelKinds.map((row) => row.title)).size).toBe(kinds.length);
  });

  it('every row has its webview entry file', () => {
    const missing = kinds.map(webviewEntry).filter((entry) => !existsSync(path.join(root, entry)));
    expect(missing).toEqual([]);
  });

  it('every webview folder with an entry has a row (else it would never be bundled)', () => {
    const dir = path.join(root, 'src/webviews');
    const folders = readdirSync(dir).filter((name) => existsSync(path.join(dir, name, 'main.ts')));
    expect(folders.sort()).toEqual([...kinds].sort());
  });

  it('every row has its own panel class, derived from PanelBase, and no class lacks a row', () => {
    expect(Object.keys(panelClasses).sort()).toEqual([...kinds].sort());
    const classes = kinds.map((kind) => panelClasses[kind]);
    for (const cls of classes) expect(cls.prototype).toBeInstanceOf(PanelBase);
    expect(new Set(classes).size).toBe(classes.length);
  });

  it('the registry restores every kind after a reload: one serializer per row', () => {
    host.serialized.length = 0;
    const registry = new PanelRegistry({} as ConstructorParameters<typeof PanelRegistry>[0]);
    expect(host.serialized.sort()).toEqual(kinds.map((kind) => `convscope.${kind}`).sort());
    registry.dispose();
  });
});
