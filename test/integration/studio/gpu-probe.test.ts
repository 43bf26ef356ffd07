// `tandem serve` names the GPU through a real job process (Dawn on SwiftShader here), while its own
// process never loads dawn.node.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeStudioClient } from '../../../main/server/client.js';
import { REPO } from '../../helpers/run-cli.js';
import { swiftShaderEnv, swiftShaderSkipReason } from '../../helpers/webgpu-backend.js';
import { until, unwrap } from '../../unit/studio/helpers.js';

const skip = swiftShaderSkipReason();
const work = mkdtempSync(path.join(tmpdir(), 'tandem-gpu-probe-'));
let server: ChildProcess | null = null;

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGINT');
    await new Promise((r) => server!.once('exit', r));
  }
  rmSync(work, { recursive: true, force: true });
});

function serve(): Promise<string> {
  server = spawn(process.execPath, [path.join(REPO, 'bin/tandem.mjs'), 'serve', '--port', '0', '--data', path.join(work, 'data')], {
    cwd: work,
    env: { ...process.env, ...swiftShaderEnv() },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: server!.stdout! }).on('line', (line) => {
      const m = /Tandem studio: http:\/\/([^/\s]+)/.exec(line);
      if (m) resolve(`ws://${m[1]}/api`);
    });
    server!.on('exit', (code) => reject(new Error(`tandem serve exited (${code})`)));
  });
}

describe.skipIf(skip)(`the studio's GPU probe${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('finds the adapter in a job process; the studio process never maps dawn.node', async () => {
    const client = await NodeStudioClient.connect(await serve());
    try {
      const first = unwrap(await client.call('backend.info', {}));
      expect(first.webgpu).toEqual({ state: 'probing' });
      const info = await until(
        async () => {
          const r = unwrap(await client.call('backend.info', {}));
          return r.webgpu?.state !== 'probing' ? r : undefined;
        },
        60_000,
        'the GPU probe',
      );
      expect(info.webgpu).toEqual({ state: 'found', adapter: 'SwiftShader driver 5.0.0', api: 'vulkan', software: true });
      const maps = readFileSync(`/proc/${server!.pid}/maps`, 'utf8');
      expect(maps).not.toContain('dawn.node');
      expect(maps).not.toContain('libvk_swiftshader');
    } finally {
      await client.close();
    }
  }, 120_000);
});
