// What a browser makes of `tandem serve`'s defences, in Debian's Chromium against a real serve in
// token mode (as with --host 0.0.0.0): another site cannot frame the studio, the studio runs
// under its content security policy without a single violation, and the token leaves the
// address bar after the first load while the page keeps working.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDatasets } from '../../main/data/demo.js';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../main/security/content-security-policy.js';
import { launchChromium } from '../helpers/chromium.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

let work: string;
let serve: ServeProcess;
let studioUrl: URL;
let attacker: Server;
let attackerOrigin: string;
let context: BrowserContext;

/** Every console line and securitypolicyviolation event of a page, and its uncaught errors. */
function watch(page: Page): { console: string[]; violations: () => Promise<string[]>; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  page.on('console', (m: ConsoleMessage) => lines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    console: lines,
    errors,
    violations: () => page.evaluate<string[]>('window.__violations ?? []'),
  };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'tandem-browser-security-'));
  await writeDemoDatasets(path.join(work, 'demo'), { trainCount: 4, testCount: 1, size: 32 });
  serve = startServe(path.join(work, 'data'), work, { args: ['--require_token'] });
  studioUrl = new URL(await serve.url);
  // A page of another origin (another port) that frames the studio, token and all.
  attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>attacker</title><iframe id="victim" src="${studioUrl.href}" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  context = await launchChromium();
  // Browser code as text: this file is typechecked for Node, without the DOM's types.
  await context.addInitScript({
    content: `window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`,
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await new Promise((r) => attacker?.close(r));
  await serve?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the studio in a browser, against hostile pages', () => {
  it('does not render inside a frame of another origin (clickjacking)', async () => {
    const page = await context.newPage();
    const seen = watch(page);
    const framed = page.waitForEvent('framenavigated', { predicate: (f) => f !== page.mainFrame() }).catch(() => null);
    await page.goto(attackerOrigin);
    await framed;
    await page.waitForTimeout(1500);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    // Rendered, the studio fills #app; refused, Chromium shows its own error page instead.
    const rendered = frame ? await frame.evaluate<number>("document.querySelector('#app')?.childElementCount ?? 0").catch(() => 0) : 0;
    expect(rendered).toBe(0);
    expect(seen.console.join('\n')).toMatch(/frame-ancestors 'none'|X-Frame-Options/);
    await page.close();
  });

  it('runs under its content security policy without a violation, and drops the token from the address bar', async () => {
    const page = await context.newPage();
    const seen = watch(page);
    const response = await page.goto(studioUrl.href);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(response?.headers()['x-frame-options']).toBe('DENY');
    expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(META_CONTENT_SECURITY_POLICY);
    await page
      .getByRole('link', { name: /new project/i })
      .first()
      .waitFor();
    expect(page.url()).not.toContain('token');

    // Something real: a project from a folder (API over the WebSocket, images, styles).
    await page.goto(`${studioUrl.origin}/#/new`);
    await page.getByRole('radio', { name: /One folder of side-by-side/ }).check();
    await page.getByRole('textbox', { name: 'Folder of side-by-side images' }).fill(path.join(work, 'demo', 'paired', 'train'));
    await page.getByRole('textbox', { name: 'Project name' }).fill('Under CSP');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page
      .getByText(/4 usable for training/)
      .first()
      .waitFor({ timeout: 30_000 });
    await page.locator('img[src*="/files/"]').first().waitFor();
    await page.getByRole('link', { name: 'Train' }).first().click();
    await page.getByRole('radio', { name: /Quick draft/ }).check();

    // A reload without ?token= still gets in: the cookie, named for this port, carries it.
    await page.reload();
    await page.getByRole('link', { name: 'Train' }).first().waitFor();
    const cookies = await context.cookies(studioUrl.origin);
    expect(cookies.map((c) => c.name)).toEqual([`tandem_token_${studioUrl.port}`]);
    expect(cookies[0]!.httpOnly).toBe(true);

    expect(await seen.violations()).toEqual([]);
    expect(seen.console.filter((l) => /Content Security Policy|Refused to/i.test(l))).toEqual([]);
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});
