/// <reference lib="dom" />
// The map: a chart.js scatter on a canvas (nothing the CSP blocks), built for thousands of points:
// no animation, pre-parsed and sorted-free data (`parsing: false`, `normalized`), small borderless
// discs, no decimation (every image stays visible). Wheel zooms about the cursor, drag pans (our
// own arithmetic in panZoom.ts), hover reports the point under the cursor, a click without a drag
// picks it.
import { Chart, LinearScale, PointElement, ScatterController, type ActiveElement, type ChartEvent } from 'chart.js';
import { themeColor } from '../ui';
import { fitView, panRange, wheelFactor, zoomRange, type View } from './panZoom';
import type { ChartPoint, ScatterDataset } from './scatterData';

Chart.register(ScatterController, PointElement, LinearScale);

export interface ScatterChart {
  /** New datasets; `refit` resets the view to show every point. */
  setData(datasets: ScatterDataset[], refit: boolean): void;
  /** Back to the view that shows every point. */
  resetView(): void;
  /** Moves the view by a fraction of its width and height and redraws at once; returns the redraw's milliseconds. */
  panBy(fx: number, fy: number): number;
  retheme(): void;
  /** The chart as a PNG data URL, on the theme's background (a transparent canvas exports as black text on nothing). */
  toPng(): string;
}

export interface ScatterEvents {
  /** The point under the cursor (index into the map's points) and where it is in the canvas box, or undefined. */
  onHover(point: { index: number; x: number; y: number } | undefined): void;
  onPick(index: number): void;
}

/** A press that moves less than this (pixels) is a click, not a pan. */
const clickSlop = 4;

export function scatterChart(canvas: HTMLCanvasElement, events: ScatterEvents): ScatterChart {
  const colors = () => ({ text: themeColor('--vscode-descriptionForeground', '#999'), grid: themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)') });
  let c = colors();
  let fitted: ChartPoint[] = [];
  let view: View = { x: { min: -1, max: 1 }, y: { min: -1, max: 1 } };
  const chart = new Chart<'scatter', ChartPoint[], string>(canvas, {
    type: 'scatter',
    data: { datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      // Click and drag are ours (pointer events below); chart.js only tracks hover.
      events: ['mousemove', 'mouseout'],
      interaction: { mode: 'nearest', intersect: true },
      elements: { point: { radius: 2.5, hoverRadius: 4.5, borderWidth: 0, hoverBorderWidth: 1, pointStyle: 'circle' } },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: {
        x: { type: 'linear', ticks: { color: c.text, maxTicksLimit: 8 }, grid: { color: c.grid } },
        y: { type: 'linear', ticks: { color: c.text, maxTicksLimit: 8 }, grid: { color: c.grid } },
      },
      onHover: (_e: ChartEvent, active: ActiveElement[]) => {
        if (drag) return;
        const a = active[0];
        const point = a && chart.data.datasets[a.datasetIndex]?.data[a.index];
        events.onHover(point ? { index: point.i, x: a.element.x, y: a.element.y } : undefined);
      },
    },
  });

  const scales = () => chart.options.scales as { x: { min?: number; max?: number; ticks: { color: string }; grid: { color: string } }; y: { min?: number; max?: number; ticks: { color: string }; grid: { color: string } } };
  const apply = () => {
    const s = scales();
    [s.x.min, s.x.max, s.y.min, s.y.max] = [view.x.min, view.x.max, view.y.min, view.y.max];
    chart.update('none');
  };
  const refit = () => {
    const area = chart.chartArea;
    view = fitView(fitted, area?.width ?? canvas.width, area?.height ?? canvas.height);
    apply();
  };

  // Pointer moves are coalesced to one redraw per frame: a fast mouse sends several per frame.
  let pending = false;
  const schedule = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      apply();
    });
  };
  const unitsPerPixel = () => {
    const area = chart.chartArea;
    return { x: (view.x.max - view.x.min) / Math.max(1, area.width), y: (view.y.max - view.y.min) / Math.max(1, area.height) };
  };

  let drag: { x: number; y: number; start: View; moved: boolean } | undefined;
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    canvas.setPointerCapture(e.pointerId);
    drag = { x: e.offsetX, y: e.offsetY, start: view, moved: false };
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.offsetX - drag.x;
    const dy = e.offsetY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < clickSlop) return;
    if (!drag.moved) events.onHover(undefined);
    drag.moved = true;
    canvas.classList.add('panning');
    const u = unitsPerPixel();
    // Screen y grows downwards, the axis upwards.
    view = { x: panRange(drag.start.x, -dx * u.x), y: panRange(drag.start.y, dy * u.y) };
    schedule();
  });
  const endDrag = (e: PointerEvent) => {
    const d = drag;
    drag = undefined;
    canvas.classList.remove('panning');
    if (!d || d.moved || e.type !== 'pointerup') return;
    const hit = chart.getElementsAtEventForMode(e, 'nearest', { intersect: true }, false)[0];
    const point = hit && chart.data.datasets[hit.datasetIndex]?.data[hit.index];
    if (point) events.onPick(point.i);
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const factor = wheelFactor(e.deltaY, e.deltaMode);
      const at = { x: chart.scales.x!.getValueForPixel(e.offsetX) ?? 0, y: chart.scales.y!.getValueForPixel(e.offsetY) ?? 0 };
      view = { x: zoomRange(view.x, at.x, factor), y: zoomRange(view.y, at.y, factor) };
      events.onHover(undefined);
      schedule();
    },
    { passive: false },
  );
  canvas.addEventListener('dblclick', () => refit());

  return {
    setData(datasets, fit) {
      chart.data.datasets = datasets.map((d) => ({ label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color, hoverBackgroundColor: d.color }));
      if (fit) {
        fitted = datasets.flatMap((d) => d.data);
        // The box may just have been shown: take its size now (the resize observer reports later),
        // lay out once with the data so the plot area is known, then fit the view to it.
        chart.resize();
        chart.update('none');
        refit();
      } else apply();
    },
    resetView: refit,
    panBy(fx, fy) {
      const t0 = performance.now();
      const w = view.x.max - view.x.min;
      const hgt = view.y.max - view.y.min;
      view = { x: panRange(view.x, fx * w), y: panRange(view.y, fy * hgt) };
      apply();
      return performance.now() - t0;
    },
    retheme() {
      c = colors();
      const s = scales();
      s.x.ticks.color = s.y.ticks.color = c.text;
      s.x.grid.color = s.y.grid.color = c.grid;
      chart.update('none');
    },
    toPng() {
      const out = document.createElement('canvas');
      out.width = canvas.width;
      out.height = canvas.height;
      const ctx = out.getContext('2d')!;
      ctx.fillStyle = themeColor('--vscode-editor-background', '#ffffff');
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(canvas, 0, 0);
      return out.toDataURL('image/png');
    },
  };
}
