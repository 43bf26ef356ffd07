import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(REPO, 'bin', 'tandem.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the real `tandem` command in a child process (wasm with one thread unless `env` says
 * otherwise: tests run in parallel).
 */
export interface StartedCli {
  child: ChildProcess;
  done: Promise<CliResult>;
  /** Resolves once stderr so far matches (a signal sent before the process said it got the last one could merge with it). */
  stderrMatches(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function startCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): StartedCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, TANDEM_WASM_THREADS: '1', TANDEM_BACKEND: 'wasm', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => {
      exited = true;
      resolve({ code, signal, stdout, stderr });
    }),
  );
  const stderrMatches = async (pattern: RegExp, timeoutMs = 120_000): Promise<string> => {
    const until = Date.now() + timeoutMs;
    while (!pattern.test(stderr)) {
      if (exited || Date.now() > until)
        throw new Error(`tandem ${exited ? 'exited' : 'ran on'} without printing ${pattern}; stderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return stderr;
  };
  return { child, done, stderrMatches };
}

export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, cwd, env).done;
}
