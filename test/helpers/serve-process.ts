// A real `tandem serve` in a child process on a free port, for tests that must see what the
// process itself does (stays up, exits, prints).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO } from './run-cli.js';

export interface ServeProcess {
  child: ChildProcess;
  /** The URL it printed (with ?token=… when it needs one). */
  url: Promise<string>;
  /** Stops it with SIGINT (as Ctrl-C does) and waits for it to exit. */
  stop(): Promise<void>;
}

/** `tandem serve --port 0 --data <work>/data …args`, one wasm thread per job (tests run in parallel). */
export function startServe(work: string, args: string[] = []): ServeProcess {
  const child = spawn(process.execPath, [path.join(REPO, 'bin/tandem.mjs'), 'serve', '--port', '0', '--data', path.join(work, 'data'), ...args], {
    cwd: work,
    env: { ...process.env, TANDEM_WASM_THREADS: '1', TANDEM_BACKEND: 'wasm' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tandem serve did not print its URL')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /Tandem studio: (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => reject(new Error(`tandem serve exited (${code})`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await exited;
  };
  return { child, url, stop };
}
