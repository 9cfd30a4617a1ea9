// Number and label formatting for the panels (pure: unit-tested without a browser).
import type { LayerInfo } from '../../shared/engineProtocol';

/** 4 significant digits; exponent notation for very small or very large magnitudes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

/** A method's detail value: numbers formatted, long arrays cut after `max` items. */
export function formatDetail(v: number | number[] | string, max = 8): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatNumber(v);
  const shown = v.slice(0, max).map(formatNumber).join(', ');
  return v.length > max ? `[${shown}, … ${v.length} values]` : `[${shown}]`;
}

export function formatShape(shape: number[]): string {
  return shape.length ? shape.map((d) => (d < 0 ? '?' : String(d))).join('×') : '?';
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function formatPercent(p: number): string {
  const pct = p * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : pct.toPrecision(2)}%`;
}

/** How a layer reads in a picker: name, type and output shape. */
export function layerLabel(layer: LayerInfo): string {
  return layer.outputShape.length ? `${layer.name} · ${layer.type} · ${formatShape(layer.outputShape)}` : `${layer.name} · ${layer.type}`;
}

/** The last dimension of a layer's output (its channels), when known. */
export function layerChannels(layer: LayerInfo): number | undefined {
  const c = layer.outputShape[layer.outputShape.length - 1];
  return c !== undefined && c > 0 ? c : undefined;
}

/** Layer picker entries: value = layer name, label = name, type and shape. */
export function layerChoices(layers: LayerInfo[]): { value: string; label: string }[] {
  return layers.map((l) => ({ value: l.name, label: layerLabel(l) }));
}
