import type { PauseGate } from './pause-gate.js';
import type { ChildMessage } from './protocol.js';

/** What a job running inside the child process gets from the entry point. */
export interface JobContext {
  /** Posts a message to the parent (dropped when the parent is gone). */
  send(message: ChildMessage): void;
  /** Aborted on `stop` (or when the parent goes away): save and finish. */
  signal: AbortSignal;
  /** Closed on `pause`, opened on `resume` or `stop`. */
  gate: PauseGate;
}

/** Lets a message through at most every `intervalMs`, or when `force` says it must not be lost. */
export function throttle(intervalMs: number): (force?: boolean) => boolean {
  let last = -Infinity;
  return (force = false) => {
    const now = performance.now();
    if (!force && now - last < intervalMs) return false;
    last = now;
    return true;
  };
}
