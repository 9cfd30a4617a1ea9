// Medians of several runs after warm-up, wall-clock and process CPU time.

export interface Stat {
  label: string;
  runs: number;
  /** Wall-clock median, ms. */
  median: number;
  min: number;
  max: number;
  /** Median process CPU time (user + system), ms: less sensitive to other load on a shared machine. */
  cpuMedian: number;
}

export interface MeasureOptions {
  runs: number;
  warmup?: number;
}

/** Times `fn` (which must finish its work, e.g. read back data, before returning). */
export async function measure(label: string, fn: () => unknown, { runs, warmup = 1 }: MeasureOptions): Promise<Stat> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { label, runs, median: median(wall), min: Math.min(...wall), max: Math.max(...wall), cpuMedian: median(cpu) };
}

/**
 * Times several functions round-robin (a b c a b c …) so that each sees the same background load;
 * on a shared machine this keeps their ratios far steadier than timing one after the other.
 */
export async function measureInterleaved(items: { label: string; fn: () => unknown }[], { runs, warmup = 1 }: MeasureOptions): Promise<Stat[]> {
  for (let i = 0; i < warmup; i++) for (const it of items) await it.fn();
  const wall = items.map(() => [] as number[]);
  const cpu = items.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    for (const [k, it] of items.entries()) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await it.fn();
      wall[k]!.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[k]!.push((c.user + c.system) / 1000);
    }
  }
  return items.map((it, k) => ({ label: it.label, runs, median: median(wall[k]!), min: Math.min(...wall[k]!), max: Math.max(...wall[k]!), cpuMedian: median(cpu[k]!) }));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function fmtMs(ms: number): string {
  if (ms >= 10000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtRatio(r: number): string {
  // Small ratios (a cache hit against a full run) keep two significant digits instead of printing 0.00×.
  return Number.isFinite(r) ? `${r >= 10 ? r.toFixed(1) : r >= 0.1 || r === 0 ? r.toFixed(2) : r.toPrecision(2)}×` : 'n/a';
}

/** A plain fixed-width table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
