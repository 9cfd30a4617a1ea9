/// <reference lib="dom" />
// The loss curve: one line per objective/regularizer term over the steps (chart.js draws on a
// canvas: nothing the CSP blocks). Data shaping is in curveData.ts.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { formatNumber, themeColor } from '../ui';
import type { Series } from './curveData';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export interface LossChart {
  update(series: Series[]): void;
  /** Re-reads the theme colours (light/dark switch). */
  retheme(): void;
}

/** Theme chart colours in a fixed order: 'total' always gets the first. */
const palette: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

export function lossChart(canvas: HTMLCanvasElement): LossChart {
  let series: Series[] = [];
  const colors = () => ({
    lines: palette.map(([name, fallback]) => themeColor(name, fallback)),
    text: themeColor('--vscode-descriptionForeground', '#999'),
    grid: themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
  });
  let c = colors();
  const chart = new Chart<'line', { x: number; y: number }[], string>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      interaction: { mode: 'nearest', intersect: false, axis: 'x' },
      plugins: {
        legend: { display: true, labels: { color: c.text, boxWidth: 12 } },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label ?? ''}: ${formatNumber(item.parsed.y ?? NaN)}` } },
      },
      scales: {
        x: { type: 'linear', ticks: { color: c.text, precision: 0 }, grid: { display: false }, title: { display: true, text: 'step', color: c.text } },
        y: { type: 'linear', ticks: { color: c.text }, grid: { color: c.grid } },
      },
    },
  });
  const paint = () => {
    chart.data.datasets = series.map((s, i) => {
      const color = c.lines[i % c.lines.length]!;
      return { label: s.name, data: s.points, borderColor: color, backgroundColor: color, borderWidth: s.name === 'total' ? 2 : 1.5, pointRadius: s.points.length > 60 ? 0 : 2, tension: 0 };
    });
    const scales = chart.options.scales as { x: { ticks: { color: string }; title: { color: string } }; y: { ticks: { color: string }; grid: { color: string } } };
    scales.x.ticks.color = c.text;
    scales.x.title.color = c.text;
    scales.y.ticks.color = c.text;
    scales.y.grid.color = c.grid;
    const legend = chart.options.plugins?.legend?.labels;
    if (legend) legend.color = c.text;
    chart.update();
  };
  return {
    update(next) {
      series = next;
      paint();
    },
    retheme() {
      c = colors();
      paint();
    },
  };
}
