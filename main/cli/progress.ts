import cliProgress from 'cli-progress';

/**
 * A progress line: a live bar on a terminal, and a plain line every `plainEvery` seconds elsewhere
 * (CI logs, pipes), so both stay readable.
 */
export class ProgressLine {
  private readonly bar: cliProgress.SingleBar | null;
  private lastPlain = 0;

  constructor(
    private readonly label: string,
    total: number,
    private readonly plainEvery = 10,
  ) {
    if (process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        { format: `${label} |{bar}| {value}/{total} {text}`, stream: process.stderr, hideCursor: true, barsize: 24, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { text: '' });
    } else {
      this.bar = null;
    }
  }

  update(value: number, total: number, text: string): void {
    if (this.bar) {
      this.bar.setTotal(total);
      this.bar.update(value, { text });
      return;
    }
    const now = performance.now() / 1000;
    if (now - this.lastPlain >= this.plainEvery || value === total) {
      this.lastPlain = now;
      process.stderr.write(`${this.label} ${value}/${total} ${text}\n`);
    }
  }

  stop(): void {
    this.bar?.stop();
  }
}
