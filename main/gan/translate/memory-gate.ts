/**
 * Admits work by its memory: an image runs once the bytes it needs are free within the budget, or
 * when nothing else runs (a single image larger than the budget still gets its turn, alone). Two
 * onnxruntime workers translating two 12 MP photos at once would need twice the memory of one.
 */
export class MemoryGate {
  private used = 0;
  private running = 0;
  private readonly waiting: Array<{ bytes: number; admit: () => void }> = [];

  constructor(private readonly budget: number) {}

  /** Resolves with a release function once `bytes` may be used. */
  acquire(bytes: number): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push({ bytes, admit: () => resolve(this.releaser(bytes)) });
      this.pump();
    });
  }

  private releaser(bytes: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= bytes;
      this.running--;
      this.pump();
    };
  }

  private pump(): void {
    // First come, first served: a large image is not overtaken for ever by small ones.
    while (this.waiting.length > 0) {
      const head = this.waiting[0]!;
      if (this.running > 0 && this.used + head.bytes > this.budget) return;
      this.waiting.shift();
      this.used += head.bytes;
      this.running++;
      head.admit();
    }
  }
}
