// The Embedding map panel's view choices (kept across reloads in its PanelState.view). Its own file
// with no imports, so webviewProtocol.ts can list it in PanelView without an import cycle; the
// panel's messages are in embeddingMessages.ts.

export interface EmbeddingView {
  kind: 'embedding';
  /** The image folder mapped (labels: its subfolders). */
  folder?: string;
  /** Where the engine keeps feature tables (the extension's global storage), so a revived panel uses the same cache. */
  cacheDir?: string;
  /** The embed method's option values the user chose (valid ones only); absent options take the schema's defaults. */
  options?: Record<string, number | string | readonly string[]>;
  /** At most this many images (a seeded sample); absent: all. */
  limit?: number;
  /** Labels switched off in the legend. */
  hidden?: string[];
}
