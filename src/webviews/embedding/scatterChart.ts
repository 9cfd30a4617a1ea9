/// <reference lib="dom" />
// The map: a chart.js scatter on a canvas (nothing the CSP blocks), built for thousands of points:
// no animation, pre-parsed and sorted-free data (`parsing: false`, `normalized`), small borderless
// discs, no decimation (every image stays visible). Wheel zooms about the cursor, drag pans (our
// own arithmetic in panZoom.ts), hover reports the point under the cursor, a click without a drag
// picks it.
import { Chart, LinearScale, PointElement, ScatterController, type ActiveElement, type ChartEvent } from 'chart.js';
import { themeColor } from '../ui';
import { batchedPoints } from './batchedPoints';
import { cameraView, fitCamera, panCamera, wheelFactor, zoomCamera, type Camera } from './panZoom';
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
  /** The chart and its legend as a PNG data URL, on the theme's background (a transparent canvas exports as text on nothing). */
  toPng(legend: readonly { label: string; color: string }[]): string;
}

export interface ScatterEvents {
  /** The point under the cursor (index into the map's points) and where it is in the canvas box, or undefined. */
  onHover(point: { index: number; x: number; y: number } | undefined): void;
  onPick(index: number): void;
}

/** A press that moves less than this (pixels) is a click, not a pan. */
const clickSlop = 4;
/** Disc radius in CSS pixels: small enough that 5,000 points stay apart, large enough to hover. */
const radius = 2.5;

export function scatterChart(canvas: HTMLCanvasElement, events: ScatterEvents): ScatterChart {
  const colors = () => ({ text: themeColor('--vscode-descriptionForeground', '#999'), grid: themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)') });
  let c = colors();
  let fitted: ChartPoint[] = [];
  let cam: Camera = { cx: 0, cy: 0, upp: 0.01 };
  /** Whether the user zoomed or panned since the last fit: a resize then keeps the scale, else it fits again. */
  let moved = false;
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
      // The radii still matter: chart.js hit-tests hover and clicks with them (batchedPoints draws).
      elements: { point: { radius, hoverRadius: radius * 1.8, borderWidth: 0, hoverBorderWidth: 1, pointStyle: 'circle' } },
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      // After chart.js has laid out the new size: fit again, or (zoomed or panned) the same camera on the new area.
      onResize: () => requestAnimationFrame(() => apply(!moved && fitted.length > 0)),
      scales: {
        // includeBounds off: the view's edges are arbitrary numbers (-41.37…), not ticks worth a label.
        x: { type: 'linear', ticks: { color: c.text, maxTicksLimit: 8, includeBounds: false }, grid: { color: c.grid } },
        y: { type: 'linear', ticks: { color: c.text, maxTicksLimit: 8, includeBounds: false }, grid: { color: c.grid } },
      },
      onHover: (_e: ChartEvent, active: ActiveElement[]) => {
        if (drag) return;
        const a = active[0];
        const point = a && chart.data.datasets[a.datasetIndex]?.data[a.index];
        events.onHover(point ? { index: point.i, x: a.element.x, y: a.element.y } : undefined);
      },
    },
    plugins: [batchedPoints(radius, () => themeColor('--vscode-editor-foreground', '#000'))],
  });

  const scales = () => chart.options.scales as { x: { min?: number; max?: number; ticks: { color: string }; grid: { color: string } }; y: { min?: number; max?: number; ticks: { color: string }; grid: { color: string } } };
  const areaSize = () => ({ width: chart.chartArea?.width ?? canvas.clientWidth, height: chart.chartArea?.height ?? canvas.clientHeight });
  /** Sets the axes from the camera and redraws. New tick labels may change the plot area's size, and so the ranges: a second pass settles it. */
  const apply = (fit = false) => {
    for (let pass = 0; pass < 2; pass++) {
      const { width, height } = areaSize();
      if (fit) cam = fitCamera(fitted, width, height);
      const v = cameraView(cam, width, height);
      const s = scales();
      [s.x.min, s.x.max, s.y.min, s.y.max] = [v.x.min, v.x.max, v.y.min, v.y.max];
      chart.update('none');
      // What is on show, for tests and tools that cannot reach the chart object.
      canvas.dataset.view = [v.x.min, v.x.max, v.y.min, v.y.max].map((n) => n.toPrecision(6)).join(',');
      const now = areaSize();
      if (now.width === width && now.height === height) break;
    }
  };
  const refit = () => {
    moved = false;
    apply(true);
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
  let drag: { x: number; y: number; start: Camera; moved: boolean } | undefined;
  canvas.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    canvas.setPointerCapture(e.pointerId);
    drag = { x: e.offsetX, y: e.offsetY, start: cam, moved: false };
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.offsetX - drag.x;
    const dy = e.offsetY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < clickSlop) return;
    if (!drag.moved) events.onHover(undefined);
    drag.moved = true;
    canvas.classList.add('panning');
    cam = panCamera(drag.start, dx, dy);
    moved = true;
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
      cam = zoomCamera(cam, at, factor);
      moved = true;
      events.onHover(undefined);
      schedule();
    },
    { passive: false },
  );
  canvas.addEventListener('dblclick', () => refit());
  // chart.js does not always report the pointer leaving (a press captured, a fast move out).
  canvas.addEventListener('pointerleave', () => {
    if (!drag) events.onHover(undefined);
  });

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
      events.onHover(undefined);
      const { width, height } = areaSize();
      cam = { ...cam, cx: cam.cx + fx * width * cam.upp, cy: cam.cy + fy * height * cam.upp };
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
    toPng(legend) {
      // In canvas pixels (the chart's canvas is devicePixelRatio times its CSS size).
      const scale = canvas.width / Math.max(1, canvas.clientWidth);
      const row = 18 * scale;
      const legendWidth = legend.length ? 140 * scale : 0;
      const out = document.createElement('canvas');
      out.width = canvas.width + legendWidth;
      out.height = Math.max(canvas.height, (legend.length + 1) * row);
      const ctx = out.getContext('2d')!;
      ctx.fillStyle = themeColor('--vscode-editor-background', '#ffffff');
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(canvas, 0, 0);
      ctx.font = `${12 * scale}px sans-serif`;
      ctx.textBaseline = 'middle';
      legend.forEach((e, i) => {
        const y = (i + 1) * row;
        ctx.fillStyle = e.color;
        ctx.beginPath();
        ctx.arc(canvas.width + 12 * scale, y, 5 * scale, 0, 2 * Math.PI);
        ctx.fill();
        ctx.fillStyle = c.text;
        ctx.fillText(e.label, canvas.width + 24 * scale, y, legendWidth - 28 * scale);
      });
      return out.toDataURL('image/png');
    },
  };
}
