/// <reference lib="dom" />
// The map side of the panel: the scatter with its thumbnail tooltip, the legend (click toggles a
// label), the status and explained-variance lines, warnings and skipped files, the export and view
// buttons. Every string from files (names, labels, reasons) goes in as text, never as markup.
import type { EmbeddingMap } from '../../shared/embeddingMessages';
import { button, formatMs, h, replace, show } from '../ui';
import { measurePan, type FrameReport } from './frameProbe';
import { scatterChart } from './scatterChart';
import { knownHidden, labelEntries, mapStatus, scatterDatasets, skippedLines, toggleLabel, varianceText, type LabelEntry } from './scatterData';

export interface MapViewEvents {
  onHiddenChange(hidden: string[]): void;
  onPick(path: string): void;
  onExportPng(pngBase64: string): void;
  onExportData(format: 'csv' | 'json'): void;
  onFrameReport(report: FrameReport & { points: number }): void;
}

export interface MapView {
  readonly element: HTMLElement;
  show(map: EmbeddingMap, hidden: readonly string[] | undefined): void;
  /** A run starts or ends: the exports wait for its map. */
  setRunning(running: boolean): void;
  clear(): void;
  exported(path: string): void;
  retheme(): void;
}

export function mapView(events: MapViewEvents): MapView {
  const canvas = h('canvas', { id: 'embed-canvas', attrs: { 'aria-label': 'embedding map' } });
  const thumb = h('img', { class: 'embed-thumb-image', attrs: { alt: '' } });
  thumb.draggable = false;
  const thumbName = h('div', { id: 'embed-thumb-name', class: 'embed-thumb-name' });
  const tooltip = h('div', { id: 'embed-thumb', class: 'embed-thumb' }, thumb, thumbName);
  const box = h('div', { id: 'embed-chart', class: 'embed-chart', attrs: { 'data-points': 0, 'data-classes': 0 } }, canvas, tooltip);
  const legend = h('div', { id: 'embed-legend', class: 'embed-legend', attrs: { role: 'group', 'aria-label': 'labels (click to hide or show)' } });
  const status = h('div', { id: 'embed-status', class: 'embed-status', attrs: { 'aria-live': 'polite' } });
  const variance = h('div', { id: 'embed-variance', class: 'hint' });
  const warnings = h('ul', { id: 'embed-warnings', class: 'synth-warnings' });
  const skipped = h('details', { id: 'embed-skipped', class: 'embed-skipped' });
  const panStats = h('span', { id: 'pan-stats', class: 'hint' });
  const exportedLine = h('div', { id: 'embed-exported', class: 'hint' });
  const placeholder = h('p', { class: 'placeholder', text: 'Choose the method and its options, then Run. Wheel zooms, drag pans, double-click fits; hover a point for its image, click it for similar images.' });
  let map: EmbeddingMap | undefined;
  let entries: LabelEntry[] = [];
  let hidden: string[] = [];
  let running = false;

  const chart = scatterChart(canvas, {
    onHover(p) {
      const point = p && map?.points[p.index];
      show(tooltip, point !== undefined);
      if (!point || !p) return;
      thumb.src = point.src;
      thumbName.textContent = `${point.name} · ${point.label}`;
      // Beside the point, flipped left near the right edge (sizes through the CSSOM: no style attributes).
      const right = p.x + 150 > box.clientWidth;
      tooltip.style.left = `${right ? p.x - 140 : p.x + 12}px`;
      tooltip.style.top = `${Math.max(0, p.y - 40)}px`;
      tooltip.dataset.index = String(p.index);
    },
    onPick(i) {
      const point = map?.points[i];
      if (point) events.onPick(point.path);
    },
  });

  const exportPng = button('Export PNG…', () => events.onExportPng(chart.toPng(entries.filter((e) => !hidden.includes(e.label))).replace(/^data:image\/png;base64,/, '')), { id: 'export-png', appearance: 'secondary', disabled: true });
  const exportCsv = button('Export CSV…', () => events.onExportData('csv'), { id: 'export-csv', appearance: 'secondary', disabled: true, title: 'path,label,x,y per image' });
  const exportJson = button('Export JSON…', () => events.onExportData('json'), { id: 'export-json', appearance: 'secondary', disabled: true });
  const reset = button('Fit View', () => chart.resetView(), { id: 'fit-view', appearance: 'secondary', disabled: true, title: 'Show every point (or double-click the map)' });
  const measure = button('Measure Pan', () => void runProbe(), { id: 'measure-pan', appearance: 'secondary', disabled: true, title: 'Pan for 2 s and report frame times' });
  const toolbar = h('div', { class: 'run-box embed-toolbar' }, reset, measure, panStats, exportPng, exportCsv, exportJson);
  const body = h('div', { class: 'embed-layout' }, box, legend);
  const element = h('div', { class: 'embed-result' }, placeholder, toolbar, body, status, variance, warnings, skipped, exportedLine);

  const draw = (refit: boolean) => {
    if (!map) return;
    const sets = scatterDatasets(map.points, entries, new Set(hidden));
    chart.setData(sets, refit);
    box.dataset.points = String(sets.reduce((n, d) => n + d.data.length, 0));
    box.dataset.classes = String(entries.length);
    replace(
      legend,
      ...entries.map((e) => {
        const swatch = h('span', { class: 'embed-swatch' });
        swatch.style.backgroundColor = e.color;
        const off = hidden.includes(e.label);
        return h('button', { class: `embed-legend-item${off ? ' off' : ''}`, title: `${off ? 'Show' : 'Hide'} ${e.label}`, attrs: { type: 'button', 'data-label': e.label, 'aria-pressed': !off ? 'true' : 'false' }, on: { click: () => toggle(e.label) } }, swatch, h('span', { class: 'embed-legend-label', text: e.label }), h('span', { class: 'embed-legend-count', text: String(e.count) }));
      }),
    );
  };
  const toggle = (label: string) => {
    hidden = toggleLabel(hidden, label);
    events.onHiddenChange(hidden);
    show(tooltip, false);
    draw(false);
  };
  const updateButtons = () => {
    const has = map !== undefined && !running;
    for (const b of [exportPng, exportCsv, exportJson, measure]) b.disabled = !has;
    reset.disabled = map === undefined;
  };
  const runProbe = async () => {
    if (!map) return;
    measure.disabled = true;
    panStats.textContent = 'measuring…';
    const report = await measurePan((fx, fy) => chart.panBy(fx, fy));
    const points = Number(box.dataset.points);
    panStats.textContent = `${points} points: frame median ${report.medianMs.toFixed(1)} ms, p95 ${report.p95Ms.toFixed(1)} ms; redraw median ${report.drawMedianMs.toFixed(1)} ms`;
    panStats.dataset.median = String(report.medianMs);
    panStats.dataset.p95 = String(report.p95Ms);
    events.onFrameReport({ ...report, points });
    updateButtons();
  };
  show(tooltip, false);
  show(toolbar, false);
  show(body, false);

  return {
    element,
    show(next, wantHidden) {
      map = next;
      entries = labelEntries(next.points);
      hidden = knownHidden(wantHidden, entries);
      show(placeholder, false);
      show(toolbar, true);
      show(body, true);
      draw(true);
      status.textContent = mapStatus(next, formatMs);
      variance.textContent = varianceText(next);
      show(variance, variance.textContent !== '');
      replace(warnings, ...next.warnings.map((w) => h('li', { class: 'card-warning', text: w })));
      show(warnings, next.warnings.length > 0);
      const lines = skippedLines(next, (p) => next.points.find((q) => q.path === p)?.name ?? p);
      replace(skipped, h('summary', { text: `${lines.length} file${lines.length === 1 ? '' : 's'} skipped` }), h('ul', {}, ...lines.map((l) => h('li', { text: l }))));
      show(skipped, lines.length > 0);
      updateButtons();
    },
    setRunning(r) {
      running = r;
      updateButtons();
    },
    clear() {
      map = undefined;
      show(placeholder, true);
      show(toolbar, false);
      show(body, false);
      status.textContent = '';
      show(variance, false);
      show(warnings, false);
      show(skipped, false);
      updateButtons();
    },
    exported(path) {
      exportedLine.textContent = `Exported ${path}`;
    },
    retheme: () => chart.retheme(),
  };
}
