// Pausing training without touching the trainer: the trainer asks its batch source for the next
// batch only between iterations, so holding that batch back stops it at the next iteration
// boundary, with nothing half-done and no tensors in flight but the waiting batch.
import type { TrainingBatch } from '../gan/models/model.js';
import type { BatchSource } from '../gan/training/trainer.js';

export class PauseGate {
  private requested = false;
  private release: (() => void) | null = null;

  /** @param onHeld called when a caller actually starts waiting (the job is now paused). */
  constructor(private readonly onHeld: () => void = () => undefined) {}

  /** Takes effect at the next `pass()`. */
  pause(): void {
    this.requested = true;
  }

  /** Lets waiting and later callers through; returns whether one was being held. */
  open(): boolean {
    this.requested = false;
    const release = this.release;
    this.release = null;
    release?.();
    return release !== null;
  }

  get held(): boolean {
    return this.release !== null;
  }

  /** Resolves at once unless a pause is requested; then when `open()` is called. True when it held. */
  async pass(): Promise<boolean> {
    if (!this.requested) return false;
    const released = new Promise<void>((resolve) => (this.release = resolve));
    this.onHeld();
    await released;
    return true;
  }
}

/**
 * A batch source whose batches wait at the gate before reaching the trainer. `onReleased` runs
 * after each pause, before the held batch goes on (the trainer leaves the pause out of its step times).
 */
export function pausableSource(inner: BatchSource, gate: PauseGate, onReleased: () => void = () => undefined): BatchSource {
  return {
    size: inner.size,
    epoch(n, opts) {
      return gatedBatches(inner.epoch(n, opts), gate, onReleased);
    },
  };
}

async function* gatedBatches(
  batches: AsyncIterable<TrainingBatch>,
  gate: PauseGate,
  onReleased: () => void,
): AsyncGenerator<TrainingBatch> {
  for await (const batch of batches) {
    if (await gate.pass()) onReleased();
    yield batch;
  }
}
