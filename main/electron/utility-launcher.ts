import { utilityProcess } from 'electron';
import { createInterface } from 'node:readline';
import type { ChildExit, ChildHandle, ChildLauncher } from '../jobs/launcher.js';

/**
 * Jobs in the desktop app run in Electron utility processes (Chromium's process model, own heap,
 * killed alone on a crash or out-of-memory) instead of child_process.fork. The supervisor only
 * sees the ChildLauncher interface, so nothing else changes. The entry must be built JavaScript.
 */
export function utilityLauncher(): ChildLauncher {
  return {
    start(entry, args, launch = {}): ChildHandle {
      const child = utilityProcess.fork(entry, [...args], {
        env: launch.env ?? process.env,
        ...(launch.cwd ? { cwd: launch.cwd } : {}),
        stdio: 'pipe',
        serviceName: 'Tandem job',
      });
      const messageListeners = new Set<(m: unknown) => void>();
      const outputListeners = new Set<(stream: 'stdout' | 'stderr', line: string) => void>();
      const exitListeners = new Set<(e: ChildExit) => void>();
      let exited: ChildExit | null = null;
      child.on('message', (m: unknown) => {
        for (const l of messageListeners) l(m);
      });
      for (const stream of ['stdout', 'stderr'] as const) {
        const readable = child[stream];
        if (readable) createInterface({ input: readable }).on('line', (line) => outputListeners.forEach((l) => l(stream, line)));
      }
      child.on('exit', (code: number) => {
        // utilityProcess reports a crash as a non-zero code without a signal name.
        exited = { code, signal: null };
        for (const l of exitListeners) l(exited);
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message) {
          if (exited) return false;
          child.postMessage(message);
          return true;
        },
        on(event: 'message' | 'exit' | 'output', listener: never) {
          if (event === 'message') messageListeners.add(listener as (m: unknown) => void);
          else if (event === 'output') outputListeners.add(listener as (s: 'stdout' | 'stderr', l: string) => void);
          else if (exited) (listener as (e: ChildExit) => void)(exited);
          else exitListeners.add(listener as (e: ChildExit) => void);
        },
        kill(signal = 'SIGTERM') {
          // utilityProcess.kill() sends SIGTERM, which a job takes as "save and exit" (child-main);
          // the supervisor's SIGKILL must end it at once.
          if (signal === 'SIGKILL' && child.pid !== undefined && !exited) process.kill(child.pid, 'SIGKILL');
          else child.kill();
        },
      } as ChildHandle;
    },
  };
}
