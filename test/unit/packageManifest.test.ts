// The extension manifest: Restricted Mode declaration, menus without duplicate entries, and the
// extension reading settings only in ways VS Code filters in Restricted Mode.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { panelKinds, viewType } from '../../src/shared/panelKinds';
import { duplicateMenuEntries, whenClausesOverlap, type MenuEntry } from './support/whenClauses';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents?: string[];
  capabilities?: { untrustedWorkspaces?: { supported: boolean | 'limited'; description?: string; restrictedConfigurations?: string[] } };
  contributes: { menus: Record<string, MenuEntry[]>; configuration: { properties: Record<string, unknown> } };
};

describe('Restricted Mode', () => {
  const trust = manifest.capabilities?.untrustedWorkspaces;

  it('is declared as limited support, with a description', () => {
    expect(trust?.supported).toBe('limited');
    expect(trust?.description?.length ?? 0).toBeGreaterThan(20);
  });

  it('restricts the settings that pick the model, the backend and the amount of work', () => {
    const restricted = trust?.restrictedConfigurations ?? [];
    for (const key of ['convscope.defaultModel', 'convscope.backend', 'convscope.integratedGradients.steps', 'convscope.smoothGrad.samples', 'convscope.occlusion.window', 'convscope.occlusion.stride']) {
      expect(restricted).toContain(key);
    }
    expect(new Set(restricted).size).toBe(restricted.length);
  });

  it('lists only settings the extension contributes (a misspelt key would restrict nothing)', () => {
    const contributed = Object.keys(manifest.contributes.configuration.properties);
    const unknown = (trust?.restrictedConfigurations ?? []).filter((k) => !contributed.includes(k));
    expect(unknown).toEqual([]);
  });

  it('the extension reads settings only through WorkspaceConfiguration.get, which VS Code filters for restricted keys', () => {
    // inspect() and reading .vscode/settings.json directly would see the workspace's values anyway.
    const dir = path.join(root, 'src/extension');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    const bypasses = files.filter((f) => /\.inspect\s*[<(]|settings\.json|workspaceValue/.test(readFileSync(path.join(dir, f), 'utf8')));
    expect(bypasses).toEqual([]);
  });
});

describe('menus', () => {
  it('list no command twice in one menu where both entries can show at once', () => {
    expect(duplicateMenuEntries(manifest.contributes.menus)).toEqual([]);
  });

  it('the duplicate check finds identical and overlapping clauses, and accepts disjoint ones', () => {
    const conv = 'view == convscope.modelExplorer && viewItem == convscope.convLayer';
    const found = duplicateMenuEntries({
      'view/item/context': [
        { command: 'a', when: conv, group: 'inline' },
        { command: 'a', when: conv, group: '1_layer@1' },
        { command: 'b', when: 'view == convscope.modelExplorer && viewItem == convscope.model' },
        { command: 'b', when: 'view == convscope.modelExplorer && viewItem =~ /^convscope\\.(convLayer|layer)$/' },
        { command: 'c', when: 'viewItem =~ /^convscope\\.(convLayer|channel)$/' },
        { command: 'c', when: 'viewItem == convscope.channel' },
      ],
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^view\/item\/context: a /);
    expect(found[1]).toMatch(/^view\/item\/context: c /);
  });

  it('when-clause reasoning: equality, regex, negation and alternatives', () => {
    expect(whenClausesOverlap('view == x', 'view == y')).toBe(false);
    expect(whenClausesOverlap('view == x', 'view == x && foo')).toBe(true);
    expect(whenClausesOverlap('view == x', 'view != x')).toBe(false);
    expect(whenClausesOverlap('foo', '!foo')).toBe(false);
    expect(whenClausesOverlap('view == x || view == z', 'view == z')).toBe(true);
    expect(whenClausesOverlap('viewItem =~ /^a$/', 'viewItem =~ /^b$/')).toBe(true); // undecided counts as overlap
    expect(whenClausesOverlap(undefined, 'view == x')).toBe(true);
  });
});

describe('activation events', () => {
  // Hand-written in package.json; without a kind's event, VS Code cannot restore that kind's open
  // panels after a window reload unless something else has activated the extension.
  it('name exactly the webview panels of src/shared/panelKinds.ts', () => {
    const declared = (manifest.activationEvents ?? []).filter((e) => e.startsWith('onWebviewPanel:')).sort();
    const expected = panelKinds.map(({ kind }) => `onWebviewPanel:${viewType(kind)}`).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(declared).toEqual(expected);
  });
});
