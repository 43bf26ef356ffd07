/** Seconds per iteration, smoothed so one slow step (a checkpoint save, a GC) does not swing the ETA. */
export class IterationTimer {
  private average: number | null = null;
  private last = performance.now();

  constructor(private readonly smoothing = 0.1) {}

  /** Marks the end of an iteration; returns the smoothed seconds per iteration. */
  tick(): number {
    const now = performance.now();
    const seconds = (now - this.last) / 1000;
    this.last = now;
    this.average = this.average === null ? seconds : this.average + this.smoothing * (seconds - this.average);
    return this.average;
  }

  /** Restarts the clock without counting the pause (after saving, or after a pause). */
  resume(): void {
    this.last = performance.now();
  }

  get secondsPerIteration(): number | null {
    return this.average;
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
