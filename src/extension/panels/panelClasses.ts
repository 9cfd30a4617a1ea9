import type * as vscode from 'vscode';
import type { PanelKind } from '../../shared/panelKinds';
import type { PanelState } from '../../shared/webviewProtocol';
import { ActivationsPanel } from './activationsPanel';
import { EmbeddingPanel } from './embeddingPanel';
import { FiltersPanel } from './filtersPanel';
import { NeighborsPanel } from './neighborsPanel';
import type { PanelBase, PanelServices } from './panelBase';
import { PatchesPanel } from './patchesPanel';
import { SaliencyPanel } from './saliencyPanel';
import { SynthesisPanel } from './synthesisPanel';

export type AnyPanel = PanelBase<{ type: string }, { type: string }>;
export type PanelClass = new (panel: vscode.WebviewPanel, services: PanelServices, state: PanelState, onClosed: () => void) => AnyPanel;

/** The host-side class of each kind in src/shared/panelKinds.ts: a row without its class here, or a class without its row, does not compile. */
const classesByKind = { filters: FiltersPanel, activations: ActivationsPanel, saliency: SaliencyPanel, synthesis: SynthesisPanel, neighbors: NeighborsPanel, patches: PatchesPanel, embedding: EmbeddingPanel } satisfies Record<PanelKind, abstract new (...args: never[]) => AnyPanel>;

// Each class narrows PanelBase's message types; the registry handles them only through the common base.
export const panelClasses = classesByKind as unknown as Record<PanelKind, PanelClass>;
