/// <reference lib="dom" />
// Draws a scatter dataset as one path per label instead of chart.js's one path and fill per point:
// with 5,000 discs the per-point fills were most of a frame. Points outside the plot area are
// skipped (a zoomed-in map draws only what shows); the hovered point gets a ring on top.
import type { Chart, Plugin } from 'chart.js';

export function batchedPoints(radius: number, ringColor: () => string): Plugin<'scatter'> {
  return {
    id: 'convscopeBatchedPoints',
    beforeDatasetDraw(chart, args) {
      const a = chart.chartArea;
      const ctx = chart.ctx;
      ctx.save();
      ctx.beginPath();
      ctx.rect(a.left, a.top, a.width, a.height);
      ctx.clip();
      ctx.fillStyle = String(chart.data.datasets[args.index]?.backgroundColor ?? '#888');
      ctx.beginPath();
      for (const el of args.meta.data) {
        const { x, y } = el;
        if (x < a.left - radius || x > a.right + radius || y < a.top - radius || y > a.bottom + radius) continue;
        ctx.moveTo(x + radius, y);
        ctx.arc(x, y, radius, 0, 2 * Math.PI);
      }
      ctx.fill();
      ctx.restore();
      // Handled: chart.js does not draw this dataset's points itself.
      return false;
    },
    afterDatasetsDraw(chart: Chart<'scatter'>) {
      const ctx = chart.ctx;
      for (const active of chart.getActiveElements()) {
        const { x, y } = active.element;
        ctx.save();
        ctx.fillStyle = String(chart.data.datasets[active.datasetIndex]?.backgroundColor ?? '#888');
        ctx.strokeStyle = ringColor();
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.arc(x, y, radius * 1.8, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
        ctx.restore();
      }
    },
  };
}
