// The view choices of the two folder panels (Neighbours, Max-activating patches), kept in a panel's
// state across reloads. Their own file, with no imports, so both webviewProtocol.ts (the PanelView
// union) and the panels' message files can import it without a cycle.

export interface NeighborsView {
  kind: 'neighbors';
  /** The image folder compared against (absolute). */
  folder?: string;
  /** Where the engine keeps feature tables (the extension's global storage), so a revived panel uses the same cache. */
  cacheDir?: string;
  k: number;
  metric: 'cosine' | 'euclidean';
  space: 'features' | 'pixels' | 'both';
}

export interface PatchesView {
  kind: 'patches';
  /** The image folder searched (absolute). */
  folder?: string;
  cacheDir?: string;
  top: number;
  /** The patch shown large with its box on the source image, by rank. */
  selected?: number;
}
