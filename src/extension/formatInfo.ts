import type { ModelInfoResult } from '../shared/engineProtocol';

/** The layer table of a model as plain text, like `convscope info`. */
export function formatInfo(info: ModelInfoResult): string {
  const shape = (s: number[]) => s.map((d) => (d < 0 ? '?' : d)).join('×');
  const rows = info.layers.map((l) => [l.name, l.type, shape(l.outputShape), String(l.params), l.activation ?? '', l.receptiveField ? (l.receptiveField.global ? 'global' : `${shape(l.receptiveField.size)} / ${shape(l.receptiveField.stride)}`) : '']);
  const header = ['layer', 'type', 'output', 'params', 'activation', 'RF size / stride'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const { height, width, channels } = info.inputShape;
  const total = info.layers.reduce((s, l) => s + l.params, 0);
  return [
    info.file,
    `${info.kind} model · input ${height}×${width}×${channels} · ${info.numClasses} outputs${info.hideClasses ? ' (classes hidden)' : ''} · ${total.toLocaleString('en')} parameters · backend ${info.backend}`,
    ...(info.description ? ['', info.description] : []),
    '',
    line(header),
    ...rows.map(line),
    '',
  ].join('\n');
}
