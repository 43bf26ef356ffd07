/** Times training steps; pauses for saving and sampling are left out (see resume). */
export class StepClock {
  private last = performance.now();

  /** Marks the end of a step; returns its seconds. */
  lap(): number {
    const now = performance.now();
    const seconds = (now - this.last) / 1000;
    this.last = now;
    return seconds;
  }

  /** Restarts the clock without counting the pause (after saving, or after a pause). */
  resume(): void {
    this.last = performance.now();
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
