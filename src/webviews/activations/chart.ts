/// <reference lib="dom" />
// The bar chart of channel means (chart.js draws on a canvas: nothing the CSP blocks).
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { ChannelActivation } from '../../shared/engineProtocol';
import { formatNumber, themeColor } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** More bars than this and the chart stops being readable: it is hidden. */
export const maxChartBars = 2048;

export interface MeansChart {
  update(ordered: ChannelActivation[], selected: number | undefined): void;
  /** Re-reads the theme colours (light/dark switch). */
  retheme(): void;
}

export function meansChart(canvas: HTMLCanvasElement, onSelect: (channel: number) => void): MeansChart {
  let ordered: ChannelActivation[] = [];
  let selected: number | undefined;
  const colors = () => ({
    bar: themeColor('--vscode-charts-blue', '#3794ff'),
    selected: themeColor('--vscode-charts-orange', '#d18616'),
    text: themeColor('--vscode-descriptionForeground', '#999'),
    grid: themeColor('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)'),
  });
  let c = colors();
  const chart = new Chart<'bar', number[], string>(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [{ data: [], backgroundColor: [], borderWidth: 0, categoryPercentage: 1, barPercentage: 0.9 }] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      // A click anywhere in a bar's column selects it: most bars are too short to hit.
      interaction: { mode: 'index', intersect: false },
      onClick: (_event, elements) => {
        const i = elements[0]?.index;
        const ch = i === undefined ? undefined : ordered[i]?.channel;
        if (ch !== undefined) onSelect(ch);
      },
      onHover: (event, elements) => {
        const target = event.native?.target;
        if (target instanceof HTMLElement) target.style.cursor = elements.length ? 'pointer' : 'default';
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => `channel ${ordered[items[0]?.dataIndex ?? 0]?.channel ?? ''}`,
            label: (item) => {
              const ch = ordered[item.dataIndex];
              return ch ? `mean ${formatNumber(ch.mean)} · max ${formatNumber(ch.max)}` : '';
            },
          },
        },
      },
      scales: {
        x: { ticks: { color: c.text, autoSkip: true, maxRotation: 0 }, grid: { display: false } },
        y: { ticks: { color: c.text }, grid: { color: c.grid }, title: { display: true, text: 'mean activation', color: c.text } },
      },
    },
  });
  const paint = () => {
    const ds = chart.data.datasets[0]!;
    ds.backgroundColor = ordered.map((ch) => (ch.channel === selected ? c.selected : c.bar));
    const scales = chart.options.scales as { x: { ticks: { color: string } }; y: { ticks: { color: string }; grid: { color: string }; title: { color: string } } };
    scales.x.ticks.color = c.text;
    scales.y.ticks.color = c.text;
    scales.y.grid.color = c.grid;
    scales.y.title.color = c.text;
    chart.update();
  };
  return {
    update(next, sel) {
      ordered = next;
      selected = sel;
      chart.data.labels = next.map((ch) => String(ch.channel));
      chart.data.datasets[0]!.data = next.map((ch) => ch.mean);
      paint();
    },
    retheme() {
      c = colors();
      paint();
    },
  };
}
