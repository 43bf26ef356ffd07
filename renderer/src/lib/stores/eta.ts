// ETA of an export from the progress seen so far (done counts over time), smoothed over a window.
export class RateEta {
  private readonly samples: Array<{ t: number; done: number }> = [];
  constructor(private readonly windowMs = 30_000) {}

  observe(done: number, t = Date.now()): void {
    const last = this.samples[this.samples.length - 1];
    if (last && done < last.done) this.samples.length = 0;
    if (last && last.done === done) return;
    this.samples.push({ t, done });
    while (this.samples.length > 2 && t - this.samples[0]!.t > this.windowMs) this.samples.shift();
  }

  /** Seconds left, or null until two observations exist. */
  eta(total: number | null): number | null {
    if (total === null || this.samples.length < 2) return null;
    const a = this.samples[0]!;
    const b = this.samples[this.samples.length - 1]!;
    const rate = (b.done - a.done) / ((b.t - a.t) / 1000);
    if (!(rate > 0)) return null;
    return Math.max(0, (total - b.done) / rate);
  }
}
