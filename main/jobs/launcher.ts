// How the supervisor starts a job process. The supervisor only sees this interface, so the desktop
// app can swap child_process.fork for Electron's utilityProcess without touching it.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ChildExit {
  /** Exit code, or null when ended by a signal or when the process never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (or its channel failed). */
  error?: string;
}

export interface ChildHandle {
  /** The OS process id (undefined when the start failed). */
  readonly pid: number | undefined;
  /** Posts a message to the child; false when the channel is closed (the child is gone). */
  send(message: unknown): boolean;
  on(event: 'message', listener: (message: unknown) => void): void;
  /** Once, after the last message has been delivered. */
  on(event: 'exit', listener: (exit: ChildExit) => void): void;
  /** A line the child wrote to stdout or stderr (where Node prints fatal errors such as heap exhaustion). */
  on(event: 'output', listener: (stream: 'stdout' | 'stderr', line: string) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

export interface LaunchOptions {
  /** The child's whole environment (default: the parent's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ChildLauncher {
  start(entry: string, args: readonly string[], options?: LaunchOptions): ChildHandle;
}

/** The job process entry point (TypeScript source; see forkLauncher for how it is run). */
export const CHILD_ENTRY = fileURLToPath(new URL('./child-main.ts', import.meta.url));

/**
 * tsx's loader as an absolute URL: `--import tsx` would be resolved from the child's working
 * directory, which need not be inside this project.
 */
function tsxLoader(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(pkg), 'dist', 'loader.mjs')).href;
}

export interface ForkLauncherOptions {
  /** Node flags for the child; default: tsx's loader for a .ts entry (no build step), none otherwise. */
  execArgv?: string[];
}

/** Runs the entry with child_process.fork: a Node process with an IPC channel (JSON messages). */
export function forkLauncher(options: ForkLauncherOptions = {}): ChildLauncher {
  return {
    start(entry, args, launch = {}) {
      const execArgv = options.execArgv ?? (entry.endsWith('.ts') ? ['--import', tsxLoader()] : []);
      const child = fork(entry, [...args], {
        execArgv,
        env: launch.env ?? process.env,
        ...(launch.cwd ? { cwd: launch.cwd } : {}),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      });
      const outputListeners = new Set<(stream: 'stdout' | 'stderr', line: string) => void>();
      for (const stream of ['stdout', 'stderr'] as const) {
        const readable = child[stream];
        if (!readable) continue;
        createInterface({ input: readable }).on('line', (line) => {
          for (const l of outputListeners) l(stream, line);
        });
      }
      // 'close' (not 'exit') comes after stdio and the IPC channel are drained, so no message sent
      // just before exiting arrives after the exit is reported.
      let startError: string | undefined;
      child.on('error', (e) => (startError ??= e.message));
      const exitListeners = new Set<(exit: ChildExit) => void>();
      let exited: ChildExit | null = null;
      child.on('close', (code, signal) => {
        exited = { code, signal, ...(startError ? { error: startError } : {}) };
        for (const l of exitListeners) l(exited);
      });
      return {
        get pid() {
          return child.pid;
        },
        send(message) {
          if (!child.connected) return false;
          try {
            // The callback swallows asynchronous channel errors (the child died meanwhile); the
            // exit event reports that.
            return child.send(message as object, () => undefined);
          } catch {
            return false;
          }
        },
        on(event: 'message' | 'exit' | 'output', listener: (...a: never[]) => void) {
          if (event === 'message') child.on('message', listener as (m: unknown) => void);
          else if (event === 'output') outputListeners.add(listener as (s: 'stdout' | 'stderr', l: string) => void);
          else {
            const l = listener as (exit: ChildExit) => void;
            if (exited) queueMicrotask(() => l(exited!));
            else exitListeners.add(l);
          }
        },
        kill(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
      } as ChildHandle;
    },
  };
}
