// The desktop app's tandem:// answers, read straight from the handler the app registers (Electron's
// binary is not needed): the renderer, project images under /files/ (the URLs the API hands out),
// and on every response, errors included, the studio's content security policy and framing ban.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tandemProtocolHandler } from '../../../main/electron/protocol-handler.js';
import { CONTENT_SECURITY_POLICY } from '../../../main/security/content-security-policy.js';
import type { Studio } from '../../../main/studio/studio.js';
import { openStudio, ScriptedJobRunner, tempDir, unwrap, writeImages } from '../studio/helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let studio: Studio;
let handle: (request: Request) => Promise<Response>;
let projectId: string;

beforeAll(async () => {
  tmp = await tempDir('tandem-protocol-');
  const ui = join(tmp.dir, 'renderer');
  await mkdir(join(ui, 'assets'), { recursive: true });
  await writeFile(join(ui, 'index.html'), '<!doctype html><title>Tandem UI</title>');
  await writeFile(join(ui, 'assets', 'app.js'), 'console.log(1)');
  await writeImages(join(tmp.dir, 'A'), ['cat.png']);
  await writeImages(join(tmp.dir, 'B'), ['dog.png']);
  await writeFile(join(tmp.dir, 'secret.png'), 'TOP-SECRET-BYTES');
  studio = await openStudio(join(tmp.dir, 'data'), new ScriptedJobRunner());
  projectId = unwrap(
    await studio.request('projects.create', { name: 'p', layout: 'unpaired', folderA: join(tmp.dir, 'A'), folderB: join(tmp.dir, 'B') }),
  ).id;
  handle = tandemProtocolHandler(studio, ui);
});

afterAll(async () => {
  await studio.close();
  await tmp.cleanup();
});

const fetchTandem = (url: string, method = 'GET') => handle(new Request(url, { method }));

describe('the tandem:// protocol handler', () => {
  it('serves the renderer and the images the API links to, each with the security headers', async () => {
    const page = await fetchTandem('tandem://app/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('Tandem UI');

    const script = await fetchTandem('tandem://app/assets/app.js');
    expect(script.headers.get('content-type')).toMatch(/javascript/);

    const items = unwrap(await studio.request('datasets.list', { projectId, role: 'A' })).items;
    const image = await fetchTandem(`tandem://app${items[0]!.url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const thumb = await fetchTandem(`tandem://app${items[0]!.url}?thumb=64`);
    expect(thumb.headers.get('content-type')).toBe('image/webp');

    for (const r of [page, script, image, thumb]) {
      expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses what is not the studio’s, with the security headers too', async () => {
    const refused: Array<[string, number[], string?]> = [
      [`tandem://app/files/${projectId}/A/..%2F..%2Fsecret.png`, [403, 404]],
      [`tandem://app/files/${projectId}/A/%2e%2e/%2e%2e/secret.png`, [403, 404]],
      [`tandem://app/files/${projectId}/A/nothere.png`, [404]],
      ['tandem://app/files/p_nosuchproject/A/cat.png', [404]],
      ['tandem://app/%E0%A4%A', [400]],
      [`tandem://app/files/${projectId}/A/%E0%A4%A.png`, [400]],
      ['tandem://app/assets/nothing.js', [404]],
      ['tandem://elsewhere/index.html', [404]],
      ['tandem://app/index.html', [405], 'POST'],
    ];
    for (const [url, statuses, method] of refused) {
      const r = await fetchTandem(url, method);
      expect(statuses, url).toContain(r.status);
      expect(await r.text(), url).not.toContain('TOP-SECRET');
      expect(r.headers.get('content-security-policy'), url).toBe(CONTENT_SECURITY_POLICY);
      expect(r.headers.get('x-frame-options'), url).toBe('DENY');
    }
  });
});
