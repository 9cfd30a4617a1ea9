// What the Embedding map draws, as data (pure: unit-tested without a browser): labels in natural
// order with a fixed colour each (the CLI's figures use the same), the chart's datasets with the
// legend's hidden labels left out, which of the embed method's options apply, the status lines.
import { colorForIndex, naturalLabelOrder } from '../../shared/categoricalColors';
import type { EmbeddingMap, EmbeddingPoint } from '../../shared/embeddingMessages';
import type { MethodInfo } from '../../shared/methodSchema';

export interface LabelEntry {
  label: string;
  /** CSS colour. */
  color: string;
  count: number;
}

/** The map's labels in natural order ("2" before "10"), each with its palette colour and point count. */
export function labelEntries(points: readonly Pick<EmbeddingPoint, 'label'>[]): LabelEntry[] {
  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.label, (counts.get(p.label) ?? 0) + 1);
  return naturalLabelOrder([...counts.keys()]).map((label, i) => {
    const [r, g, b] = colorForIndex(i);
    return { label, color: `rgb(${r}, ${g}, ${b})`, count: counts.get(label)! };
  });
}

/** A point as chart.js takes it with `parsing: false`: x and y, plus the index into the map's points. */
export interface ChartPoint {
  x: number;
  y: number;
  i: number;
}

export interface ScatterDataset {
  label: string;
  color: string;
  data: ChartPoint[];
}

/** One dataset per shown label, in legend order (hidden labels have none, so they cost nothing to draw). */
export function scatterDatasets(points: readonly EmbeddingPoint[], entries: readonly LabelEntry[], hidden: ReadonlySet<string>): ScatterDataset[] {
  const byLabel = new Map<string, ChartPoint[]>(entries.map((e) => [e.label, []]));
  points.forEach((p, i) => byLabel.get(p.label)?.push({ x: p.x, y: p.y, i }));
  return entries.filter((e) => !hidden.has(e.label)).map((e) => ({ label: e.label, color: e.color, data: byLabel.get(e.label)! }));
}

/** The hidden labels after a click on `label` in the legend (shown ↔ hidden). */
export function toggleLabel(hidden: readonly string[], label: string): string[] {
  return hidden.includes(label) ? hidden.filter((l) => l !== label) : [...hidden, label];
}

/** Hidden labels the map still has (a label from another folder's map is forgotten). */
export function knownHidden(hidden: readonly string[] | undefined, entries: readonly LabelEntry[]): string[] {
  const labels = new Set(entries.map((e) => e.label));
  return (hidden ?? []).filter((l) => labels.has(l));
}

/** The options each embedding method reads; the others' fields are hidden (their values are kept). */
const methodOptions: Record<string, readonly string[]> = { pca: [], tsne: ['perplexity', 'iterations'], umap: ['neighbors', 'minDist'] };
const specificOptions = new Set(Object.values(methodOptions).flat());

/** The embed method with only the options that apply to `embedding` (layer, pooling, space, method and seed always). */
export function shownOptions(method: MethodInfo, embedding: string): MethodInfo {
  const own = new Set(methodOptions[embedding] ?? []);
  const options = Object.fromEntries(Object.entries(method.options).filter(([key]) => !specificOptions.has(key) || own.has(key)));
  return { ...method, options };
}

/** 'PCA', 't-SNE', 'UMAP' for the engine's names. */
export function embeddingLabel(embedding: string): string {
  return ({ pca: 'PCA', tsne: 't-SNE', umap: 'UMAP' } as Record<string, string>)[embedding] ?? embedding;
}

/** The line under the chart: how the map was made and how it went. */
export function mapStatus(map: EmbeddingMap, formatMs: (ms: number) => string): string {
  const parts = [
    `${map.stopped ? 'Stopped: ' : ''}${embeddingLabel(map.embedding)} of ${map.points.length} image${map.points.length === 1 ? '' : 's'}${map.used < map.total ? ` (a sample of ${map.total})` : ''}`,
    map.space === 'pixels' ? 'pixels' : `layer ${map.layer} (${map.dim} values)`,
    ...(map.space === 'pixels' ? [] : [`${map.computed} computed, ${map.cached} from the cache`]),
    formatMs(map.elapsedMs),
    map.backend,
  ];
  return parts.join(' · ');
}

/** PCA: "explained variance: x 23.4 %, y 11.0 % (34.4 % in all)"; nothing for the other methods. */
export function varianceText(map: Pick<EmbeddingMap, 'explainedVariance'>): string {
  const v = map.explainedVariance;
  if (!v || v.length < 2) return '';
  const pct = (f: number) => `${(100 * f).toFixed(1)} %`;
  return `Explained variance: x ${pct(v[0]!)}, y ${pct(v[1]!)} (${pct(v[0]! + v[1]!)} in all)`;
}

/** The skipped files as lines of text ("0/bad.png: not an image"). */
export function skippedLines(map: Pick<EmbeddingMap, 'skipped'>, name: (path: string) => string): string[] {
  return map.skipped.map((s) => `${name(s.path)}: ${s.reason}`);
}
