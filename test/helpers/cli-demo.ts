// The CLI tests' working folder: a temp folder, removed after the test file, holding data/ as
// `tandem demo` writes it, so that a test drives the CLI on the same datasets an artist tries first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { runCli } from './run-cli.js';

/** Registers the hooks that make and remove the folder; data/ is there once beforeAll has run. */
export function cliDemoFolder(prefix: string, demo: { trainCount: number; testCount: number; size: number }): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  beforeAll(async () => {
    const args = ['--train_count', String(demo.trainCount), '--test_count', String(demo.testCount), '--size', String(demo.size)];
    const r = await runCli(['demo', 'data', ...args], dir);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
