// Ctrl-C and SIGTERM stop the studio the same way wherever it runs (`tandem serve`, the desktop
// app). The first lets every running job finish its step and save, saying what it waits for and
// how long at most; a second stops at once, saying what each run loses; a third quits outright,
// for a studio that is stuck.
import type { Studio } from './studio.js';

export interface StopOnSignalsOptions {
  /** Begins the graceful stop (close the server, then studio.close()). */
  stop: () => void;
  write?: (line: string) => void;
  /** Where the signals come from (default: this process). */
  source?: Pick<NodeJS.Process, 'on' | 'off'>;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Installs the handlers; returns their removal. */
export function stopOnSignals(
  studio: Studio,
  { stop, write = (line) => console.error(line), source = process }: StopOnSignalsOptions,
): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    const again = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    if (received === 1) {
      const waits = studio.stopNotice();
      write(waits.length ? `\nstopping: ${waits.join('; ')}. ${again} again to stop at once.` : '\nstopping…');
      stop();
    } else if (received === 2) {
      const losses = studio.abort(`a second ${again}`);
      write(losses.length ? `stopping now: ${losses.join('; ')}.` : 'stopping now.');
    } else {
      write('quitting without waiting for anything.');
      process.exit(130);
    }
  };
  for (const s of SIGNALS) source.on(s, onSignal);
  return () => {
    for (const s of SIGNALS) source.off(s, onSignal);
  };
}
