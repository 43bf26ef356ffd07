// The HTTP + WebSocket transport on a real server, on an ephemeral loopback port.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/api/events.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/security/content-security-policy.js';
import { NodeStudioClient } from '../../../main/server/client.js';
import { startStudioServer, type RunningServer } from '../../../main/server/server.js';
import type { Studio } from '../../../main/studio/studio.js';
import { openStudio, ScriptedJobRunner, tempDir, unwrap, writeImages } from '../studio/helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let studio: Studio;
let server: RunningServer;
let runner: ScriptedJobRunner;
let projectId: string;
const wsUrl = (s: RunningServer, query = '') => `ws://127.0.0.1:${s.port}/api${query}`;

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    r.on('error', reject);
    r.end();
  });
}

beforeAll(async () => {
  tmp = await tempDir('tandem-server-');
  await writeImages(join(tmp.dir, 'A'), ['cat.png', 'sub/dog.png']);
  await writeImages(join(tmp.dir, 'B'), ['x.png']);
  await writeFile(join(tmp.dir, 'secret.png'), 'TOP-SECRET-BYTES');
  await symlink(join(tmp.dir, 'secret.png'), join(tmp.dir, 'A', 'link.png'));
  runner = new ScriptedJobRunner();
  studio = await openStudio(join(tmp.dir, 'data'), runner);
  projectId = unwrap(
    await studio.request('projects.create', { name: 'p', layout: 'unpaired', folderA: join(tmp.dir, 'A'), folderB: join(tmp.dir, 'B') }),
  ).id;
  server = await startStudioServer({ studio, host: '127.0.0.1', port: 0, uiDir: join(tmp.dir, 'no-ui') });
});

afterAll(async () => {
  await server.close();
  await studio.close();
  await tmp.cleanup();
});

describe('WebSocket API', () => {
  it('gives each client a snapshot, then the same events to both', async () => {
    const a = await NodeStudioClient.connect(wsUrl(server));
    const b = await NodeStudioClient.connect(wsUrl(server));
    for (const c of [a, b]) {
      const snap = await c.waitForEvent((e) => e.event === 'snapshot');
      expect(snap.event === 'snapshot' && snap.data.projects.map((p) => p.id)).toEqual([projectId]);
    }
    const renamed = unwrap(await a.call('projects.rename', { projectId, name: 'Renamed' }));
    expect(renamed.name).toBe('Renamed');
    const run = unwrap(await b.call('runs.start', { projectId, options: { n_epochs: 1, n_epochs_decay: 0 } }));
    const job = runner.lastJobId();
    runner.state(job, 'running');
    runner.iterations(job, 0, 10);
    const isMetrics = (e: StudioEvent) => e.event === 'run.metrics' && e.data.runId === run.id;
    await Promise.all([a.waitForEvent(isMetrics), b.waitForEvent(isMetrics)]);
    const names = (c: NodeStudioClient) => c.events.filter((e) => e.event !== 'snapshot').map((e) => e.event);
    expect(names(a)).toEqual(names(b));
    expect(names(a)).toEqual(expect.arrayContaining(['project.changed', 'run.changed', 'job.state', 'run.metrics', 'run.progress']));
    runner.state(job, 'finished');
    await a.close();
    await b.close();
  });

  it('rejects invalid requests with clear errors and changes nothing', async () => {
    const c = await NodeStudioClient.connect(wsUrl(server));
    const before = unwrap(await c.call('projects.get', { projectId }));

    const unknown = await c.raw({ id: 1, method: 'projects.explode', params: {} });
    expect(unknown).toMatchObject({ id: 1, ok: false, error: { code: 'unknown-method' } });

    const wrongType = await c.raw({ id: 2, method: 'projects.rename', params: { projectId, name: 42 } });
    expect(wrongType).toMatchObject({ id: 2, ok: false, error: { code: 'invalid-input', field: 'name' } });
    if (!wrongType.ok) expect(wrongType.error.message).toMatch(/name.*expected string/i);

    const unknownId = await c.raw({ id: 3, method: 'runs.get', params: { runId: 'r_doesnotexist' } });
    expect(unknownId).toMatchObject({ id: 3, ok: false, error: { code: 'not-found' } });

    const badId = await c.raw({ id: 4, method: 'projects.get', params: { projectId: '../../etc' } });
    expect(badId).toMatchObject({ id: 4, ok: false, error: { code: 'invalid-input', field: 'projectId' } });

    const extra = await c.raw({ id: 5, method: 'projects.rename', params: { projectId, name: 'x', admin: true } });
    expect(extra).toMatchObject({ id: 5, ok: false, error: { code: 'invalid-input' } });

    const outside = await c.raw({ id: 6, method: 'exports.start', params: { runId: 'r_doesnotexist', inputDir: 'relative/dir' } });
    expect(outside).toMatchObject({ id: 6, ok: false, error: { code: 'invalid-input', field: 'inputDir' } });

    c.socket.send('{"id": 7, "method": ');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.orphanReplies.at(-1)).toMatchObject({
      id: null,
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/not valid JSON/) },
    });

    const noMethod = await c.raw({ id: 8, params: {} });
    expect(noMethod).toMatchObject({ id: 8, ok: false, error: { code: 'invalid-input' } });

    // 10 MB in one string: refused before parsing, with the id, and the socket stays usable.
    const huge = await c.raw({ id: 9, method: 'projects.rename', params: { projectId, name: 'x'.repeat(10_000_000) } });
    expect(huge).toMatchObject({
      id: 9,
      ok: false,
      error: { code: 'too-large', message: expect.stringMatching(/10\.0 MB.*limited to 1\.0 MB/) },
    });
    // Under the frame limit but over the field limit: the schema names the field.
    const long = await c.raw({ id: 10, method: 'projects.rename', params: { projectId, name: 'y'.repeat(300_000) } });
    expect(long).toMatchObject({ id: 10, ok: false, error: { code: 'invalid-input', field: 'name' } });

    const after = unwrap(await c.call('projects.get', { projectId }));
    expect(after.name).toBe(before.name);
    expect(after.updatedAt).toBe(before.updatedAt);
    await c.close();
  });
});

describe('HTTP', () => {
  it('serves project images by URL, and refuses traversal, symlinks out, other roots and non-images', async () => {
    const ok = await get(server.port, `/files/${projectId}/A/sub/dog.png`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/png');
    expect(ok.body.slice(1, 4)).toBe('PNG');

    // ?thumb=N: a small WebP from the thumbnail cache, for dataset grids.
    const thumb = await get(server.port, `/files/${projectId}/A/sub/dog.png?thumb=64`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.body.slice(0, 4)).toBe('RIFF');
    const traversalThumb = await get(server.port, `/files/${projectId}/A/../../secret.png?thumb=64`);
    expect(traversalThumb.status).toBe(403);

    const page = unwrap(await studio.request('datasets.list', { projectId, role: 'A' }));
    for (const item of page.items.filter((i) => i.status === 'ok' && i.relPath !== 'link.png'))
      expect((await get(server.port, item.url)).status).toBe(200);

    for (const path of [
      `/files/${projectId}/A/../../secret.png`,
      `/files/${projectId}/A/%2e%2e/%2e%2e/secret.png`,
      `/files/${projectId}/A/..%2F..%2Fsecret.png`,
      `/files/${projectId}/A/%2Fetc%2Fpasswd.png`,
      `/files/${projectId}/A//etc/passwd.png`,
      `/files/${projectId}/A/link.png`,
      `/files/${projectId}/etc/passwd.png`,
      `/files/${projectId}/A/notes.txt`,
    ]) {
      const r = await get(server.port, path);
      expect([403, 404], path).toContain(r.status);
      expect(r.body).not.toContain('TOP-SECRET');
    }
    expect((await get(server.port, `/files/p_nosuchproject/A/cat.png`)).status).toBe(404);
  });

  it('says how to build the interface when there is none', async () => {
    const r = await get(server.port, '/');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/interface is not built/);
    expect(r.body).toMatch(/renderer\/dist/);
  });

  it('serves the built renderer when there is one', async () => {
    const ui = join(tmp.dir, 'ui');
    await mkdir(join(ui, 'assets'), { recursive: true });
    await writeFile(join(ui, 'index.html'), '<!doctype html><title>Tandem UI</title>');
    await writeFile(join(ui, 'assets', 'app.js'), 'console.log(1)');
    const s = await startStudioServer({ studio, port: 0, uiDir: ui });
    try {
      expect((await get(s.port, '/')).body).toContain('Tandem UI');
      expect((await get(s.port, '/projects/123')).body).toContain('Tandem UI'); // client-side route
      expect((await get(s.port, '/assets/app.js')).headers['content-type']).toMatch(/javascript/);
      expect((await get(s.port, '/assets/../../secret.png')).status).toBe(404);
    } finally {
      await s.close();
    }
  });

  it('forbids framing and sets the content security policy on every response (clickjacking)', async () => {
    const ui = join(tmp.dir, 'ui-headers');
    await mkdir(ui, { recursive: true });
    await writeFile(join(ui, 'index.html'), '<!doctype html><title>Tandem UI</title>');
    const s = await startStudioServer({ studio, port: 0, uiDir: ui });
    try {
      const answers = [
        await get(s.port, '/'),
        await get(s.port, '/', { host: 'evil.example' }),
        await get(server.port, '/'),
        await get(s.port, `/files/${projectId}/A/cat.png`),
        await get(s.port, `/files/${projectId}/A/../../secret.png`),
        await get(s.port, '/nothing.js'),
        await get(s.port, '/%E0%A4%A'),
      ];
      for (const r of answers) {
        expect(r.headers['x-frame-options']).toBe('DENY');
        expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
        expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(r.headers['x-content-type-options']).toBe('nosniff');
      }
    } finally {
      await s.close();
    }
  });

  it('refuses requests addressed to other host names (DNS rebinding)', async () => {
    expect((await get(server.port, '/', { host: 'evil.example:1234' })).status).toBe(403);
  });
});

describe('token', () => {
  it('is required on every HTTP request and WebSocket connection of a server started with requireToken', async () => {
    const s = await startStudioServer({ studio, host: '127.0.0.1', port: 0, requireToken: true });
    try {
      expect(s.token).toBeTruthy();
      expect(s.url).toContain(`?token=${s.token}`);
      expect((await get(s.port, '/')).status).toBe(401);
      expect((await get(s.port, `/files/${projectId}/A/cat.png`)).status).toBe(401);
      expect((await get(s.port, `/files/${projectId}/A/cat.png`, { authorization: `Bearer ${s.token}` })).status).toBe(200);
      const withQuery = await get(s.port, `/?token=${s.token}`);
      expect(withQuery.status).toBe(200);
      // Named for the port: cookies ignore ports, and two studios on one host keep their own.
      const setCookie = String(withQuery.headers['set-cookie']);
      expect(setCookie).toMatch(new RegExp(`^tandem_token_${s.port}=${s.token}; HttpOnly; SameSite=Strict`));
      const cookie = setCookie.split(';')[0]!;
      expect((await get(s.port, `/files/${projectId}/A/cat.png`, { cookie })).status).toBe(200);
      expect((await get(s.port, `/files/${projectId}/A/cat.png`, { cookie: `tandem_token=${s.token}` })).status).toBe(401);
      expect((await get(s.port, `/files/${projectId}/A/cat.png`, { cookie: `tandem_token_${s.port + 1}=${s.token}` })).status).toBe(401);

      await expect(NodeStudioClient.connect(wsUrl(s))).rejects.toThrow(/401/);
      await expect(NodeStudioClient.connect(wsUrl(s, '?token=wrong'))).rejects.toThrow(/401/);
      const c = await NodeStudioClient.connect(wsUrl(s, `?token=${s.token}`));
      expect(unwrap(await c.call('projects.list', {}))).toHaveLength(1);
      await c.close();
    } finally {
      await s.close();
    }
  });

  it('refuses cross-origin browser WebSockets', async () => {
    await expect(NodeStudioClient.connect(wsUrl(server), { origin: 'https://evil.example' })).rejects.toThrow(/403/);
  });
});
