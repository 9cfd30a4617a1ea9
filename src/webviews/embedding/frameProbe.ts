/// <reference lib="dom" />
// How smooth panning is: the map pans by itself for about two seconds, one step per animation
// frame, and we keep the time between frames and the time each redraw took. The e2e test reads
// the numbers (the panel also sends them to the host's output channel).

export interface FrameReport {
  frames: number;
  medianMs: number;
  p95Ms: number;
  drawMedianMs: number;
  drawP95Ms: number;
}

/** Median and 95th percentile (nearest rank); zeros when there are no samples. */
export function frameStats(times: readonly number[]): { medianMs: number; p95Ms: number } {
  if (times.length === 0) return { medianMs: 0, p95Ms: 0 };
  const sorted = [...times].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { medianMs: rank(0.5), p95Ms: rank(0.95) };
}

/** The pan offset at `t` of `durationMs` (a fraction of the view): out and back once, so the map ends where it began. */
export function panOffset(t: number, durationMs: number, amplitude = 0.25): number {
  return amplitude * Math.sin((2 * Math.PI * Math.min(t, durationMs)) / durationMs);
}

/**
 * Pans with `panBy` (which redraws and returns its milliseconds) on every animation frame for
 * `durationMs`, then reports frame intervals and redraw times.
 */
export function measurePan(panBy: (fx: number, fy: number) => number, durationMs = 2000): Promise<FrameReport> {
  return new Promise((resolve) => {
    const intervals: number[] = [];
    const draws: number[] = [];
    let start: number | undefined;
    let last: number | undefined;
    let offset = 0;
    const frame = (now: number) => {
      start ??= now;
      if (last !== undefined) intervals.push(now - last);
      last = now;
      const t = now - start;
      const next = panOffset(t, durationMs);
      draws.push(panBy(next - offset, (next - offset) / 2));
      offset = next;
      if (t < durationMs) requestAnimationFrame(frame);
      else {
        const f = frameStats(intervals);
        const d = frameStats(draws);
        resolve({ frames: intervals.length, medianMs: f.medianMs, p95Ms: f.p95Ms, drawMedianMs: d.medianMs, drawP95Ms: d.p95Ms });
      }
    };
    requestAnimationFrame(frame);
  });
}
