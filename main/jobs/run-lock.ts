// One trainer per run folder. A trainer whose studio went away keeps going until its step ends and
// its checkpoint is saved; a second trainer started on the same run in that time (the studio
// restarted, Resume clicked; or two `tandem train --resume` in two terminals) would read a
// checkpoint that is about to be replaced and then overwrite it. The lock names the process that
// holds it; a lock whose process is gone (killed outright) is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export const RUN_LOCK_FILE = '.trainer.lock';

const holderSchema = z.object({ pid: z.number().int().positive(), host: z.string(), startTicks: z.string().nullable() });
type Holder = z.infer<typeof holderSchema>;

export class RunBusyError extends Error {
  override readonly name = 'RunBusyError';
  constructor(
    readonly runDir: string,
    readonly pid: number,
  ) {
    super(
      `another trainer (process ${pid}) is still writing ${runDir}: most likely the one that was stopping when Tandem ` +
        'closed, saving its checkpoint. Try again in a moment; if no Tandem trainer is running, delete ' +
        `${path.join(runDir, RUN_LOCK_FILE)}`,
    );
  }
}

/** Linux: when a process started (clock ticks since boot), so that a reused pid is not mistaken for the holder. */
function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces; starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(h: Holder): boolean {
  if (h.host !== hostname()) return true; // a shared folder: another machine's process cannot be checked
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return h.startTicks === null || startTicks(h.pid) === h.startTicks;
}

function readHolder(file: string): Holder | null {
  try {
    const parsed = holderSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface RunLock {
  release(): void;
}

/** Takes the run folder (which must exist) for this process; throws RunBusyError while another live trainer holds it. */
export function acquireRunLock(runDir: string): RunLock {
  const file = path.join(runDir, RUN_LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), startTicks: startTicks(process.pid) };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const holder = readHolder(file);
      if (holder && holder.pid !== process.pid && isAlive(holder)) throw new RunBusyError(runDir, holder.pid);
      // Its holder is gone (or the file is unreadable, left half-written by a kill): take it over.
      unlinkSync(file);
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    break;
  }
  const release = () => {
    process.off('exit', release);
    if (readHolder(file)?.pid !== process.pid) return;
    try {
      unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
  // A process that exits without disposing (a second Ctrl-C) still leaves the folder free.
  process.on('exit', release);
  return { release };
}
