// One trainer per run folder, with real processes: a live holder keeps the folder, a killed one
// does not, and the lock never outlives its process's exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireRunLock, RUN_LOCK_FILE, RunBusyError } from '../../../main/jobs/run-lock.js';

const MODULE = fileURLToPath(new URL('../../../main/jobs/run-lock.ts', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function runDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'tandem-lock-'));
  dirs.push(d);
  return d;
}

/** Another process that takes the lock and then does what `then` says ('hold' forever, or 'exit'). */
function otherTrainer(dir: string, then: 'hold' | 'exit'): Promise<ChildProcess> {
  const code = `const m = await import(${JSON.stringify(MODULE)}); m.acquireRunLock(${JSON.stringify(dir)}); console.log('held');
    ${then === 'exit' ? 'process.exit(130);' : 'setInterval(() => {}, 1000);'}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('exit', (c) => (then === 'exit' ? resolve(child) : reject(new Error(`the other trainer exited (${c})`))));
  });
}

describe('the run lock', () => {
  it('refuses a second trainer while the first lives, naming it and what to do', async () => {
    const dir = runDir();
    const other = await otherTrainer(dir, 'hold');
    let err: unknown;
    try {
      acquireRunLock(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RunBusyError);
    expect((err as Error).message).toContain(`another trainer (process ${other.pid}) is still writing ${dir}`);
    expect((err as Error).message).toMatch(/Try again in a moment; if no Tandem trainer is running, delete .*\.trainer\.lock$/);
  });

  it('takes over from a trainer killed outright, and is free again once released', async () => {
    const dir = runDir();
    const other = await otherTrainer(dir, 'hold');
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    expect(existsSync(path.join(dir, RUN_LOCK_FILE))).toBe(true); // a kill leaves the file
    const lock = acquireRunLock(dir);
    lock.release();
    expect(existsSync(path.join(dir, RUN_LOCK_FILE))).toBe(false);
    acquireRunLock(dir).release();
  });

  it('is released when its process exits without disposing (a second Ctrl-C)', async () => {
    const dir = runDir();
    const other = await otherTrainer(dir, 'exit');
    await new Promise((r) => (other.exitCode !== null ? r(null) : other.once('exit', r)));
    expect(existsSync(path.join(dir, RUN_LOCK_FILE))).toBe(false);
  });

  it('takes over a lock file a kill left half-written, or one whose pid now belongs to another process', () => {
    const dir = runDir();
    writeFileSync(path.join(dir, RUN_LOCK_FILE), '{"pid": 12');
    acquireRunLock(dir).release();
    // pid 1 lives, but it started long before any trainer: not the holder.
    writeFileSync(path.join(dir, RUN_LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), startTicks: '123456789012' }));
    acquireRunLock(dir).release();
  });
});
