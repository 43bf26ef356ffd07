// `npm run lint` runs Electronegativity, which used to download translations and Electron's
// release list on every run. Here it runs in a network namespace with no interfaces
// (`unshare -rn`) under strace: it must open no Internet socket at all and find exactly what it
// finds with the network left as it is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/run-cli.js';

const SCRIPT = path.join(REPO, 'scripts/electronegativity.mjs');

function run(command: string, args: string[]): { code: number | null; out: string } {
  const r = spawnSync(command, args, { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new Error(`${command} could not run (${r.error.message}); this test needs util-linux's unshare and strace`);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The finding lines (severity, check, place), sorted: Electronegativity lists files in no fixed order. */
const findings = (out: string) =>
  out
    .split('\n')
    .filter((l) => /^(INFORMATIONAL|LOW|MEDIUM|HIGH)\s/.test(l))
    .sort();

describe('Electronegativity in npm run lint', () => {
  it('runs without the network: no Internet socket, no connectivity complaint, the same findings', () => {
    const probe = run('unshare', ['-rn', 'true']);
    expect(probe.code, `unshare -rn (a user and network namespace) is refused here: ${probe.out}`).toBe(0);
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-offline-lint-'));
    try {
      const trace = path.join(dir, 'sockets.strace');
      const offline = run('strace', [
        '-f',
        '-qq',
        '--seccomp-bpf',
        '-e',
        'trace=socket,connect',
        '-o',
        trace,
        'unshare',
        '-rn',
        process.execPath,
        SCRIPT,
      ]);
      expect(offline.code, offline.out).toBe(0);
      expect(offline.out).not.toMatch(/connectivity|Could not retrieve|Fetching/i);
      const sockets = readFileSync(trace, 'utf8')
        .split('\n')
        .filter((l) => /AF_INET6?\b|AF_NETLINK/.test(l));
      expect(sockets, 'sockets opened for the network').toEqual([]);

      const online = run(process.execPath, [SCRIPT]);
      expect(online.code, online.out).toBe(0);
      expect(findings(offline.out)).toEqual(findings(online.out));
      expect(offline.out).toMatch(/no high-severity finding/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
