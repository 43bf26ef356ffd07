// A real `tandem serve` child on its own data folder and a free port (real job processes, one wasm
// thread each), for tests that must see what the process itself does (stays up, exits, prints).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO } from './run-cli.js';

export interface ServeProcess {
  child: ChildProcess;
  /** The URL it printed ("Tandem studio: …", with ?token=… when it needs one). */
  url: Promise<string>;
  /** Its stderr lines so far (only with `stderr: 'pipe'`). */
  stderr: string[];
  /** Resolves with its exit code once it has exited. */
  exited: Promise<number | null>;
  /** Stops it with SIGINT (as Ctrl-C does) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** More `tandem serve` flags (e.g. --require_token). */
  args?: string[];
  /**
   * Its own process group (and session), led by the serve process: a test can then signal the
   * group as a terminal's Ctrl-C would (`process.kill(-child.pid, 'SIGINT')`).
   */
  ownProcessGroup?: boolean;
  stderr?: 'inherit' | 'pipe';
}

export function startServe(dataDir: string, cwd: string, options: ServeOptions = {}): ServeProcess {
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'bin/tandem.mjs'), 'serve', '--port', '0', '--data', dataDir, ...(options.args ?? [])],
    {
      cwd,
      env: { ...process.env, TANDEM_WASM_THREADS: '1', TANDEM_BACKEND: 'wasm' },
      stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
      detached: options.ownProcessGroup ?? false,
    },
  );
  const stderr: string[] = [];
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('tandem serve did not print its URL')), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /Tandem studio: (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`tandem serve exited (${code}): ${stderr.join('\n')}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    await exited;
  };
  return { child, url, stderr, exited, stop };
}
