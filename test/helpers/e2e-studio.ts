// What the end-to-end tests share: a real `tandem serve` child (which builds the renderer when it
// is missing or stale) on its own data folder (real job processes, one wasm thread each), and
// Debian's Chromium with a page on it.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { REPO } from './run-cli.js';
import { startServe, type ServeProcess } from './serve-process.js';

export const SHOTS = path.join(REPO, 'test-artifacts', 'e2e');

export interface E2EStudio {
  /** A fresh temp folder: data/ is the studio's; put datasets and outputs beside it. */
  work: string;
  url: string;
  page: Page;
  /** Uncaught errors of the page, for a test to assert there were none. */
  pageErrors: string[];
  shot(name: string): Promise<unknown>;
  close(): Promise<void>;
}

/** `prepare` fills the work folder (datasets, images) before the studio starts. */
export async function startE2EStudio(prefix: string, prepare: (work: string) => Promise<void> = async () => {}): Promise<E2EStudio> {
  if (!existsSync(CHROMIUM)) throw new Error(`the end-to-end tests drive Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  mkdirSync(SHOTS, { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), prefix));
  let server: ServeProcess | null = null;
  let context: BrowserContext | null = null;
  const close = async () => {
    await context?.close();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await prepare(work);
    server = startServe(path.join(work, 'data'), work);
    const url = await server.url;
    context = await launchChromium();
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return { work, url, page, pageErrors, shot: (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) }), close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Runs a test's journey; where it fails, a screenshot `name` of the page at that moment is kept first. */
export async function shootOnFailure(studio: E2EStudio, name: string, journey: () => Promise<void>): Promise<void> {
  try {
    await journey();
  } catch (e) {
    await studio.shot(name).catch(() => undefined);
    throw e;
  }
}

/** Opens New project and fills it for one folder of side-by-side pairs; the test presses Create itself. */
export async function fillSideBySideProject(studio: E2EStudio, folder: string, name: string): Promise<void> {
  const { page, url } = studio;
  await page.goto(`${url.split('?')[0]}#/new`);
  await page.getByRole('radio', { name: /One folder of side-by-side/ }).check();
  await page.getByRole('textbox', { name: 'Folder of side-by-side images' }).fill(folder);
  await page.getByRole('textbox', { name: 'Project name' }).fill(name);
}
