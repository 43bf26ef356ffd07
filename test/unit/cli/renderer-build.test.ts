// `tandem serve` builds the interface when renderer/dist is missing or older than what went into
// it. The staleness check runs on real files with chosen modification times; one real build (into
// a temp folder, from the real renderer sources) shows the check reads vite's actual output.
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureRendererBuilt, rendererBuildReason, type RendererPaths } from '../../../main/cli/renderer-build.js';
import { META_CONTENT_SECURITY_POLICY } from '../../../main/security/content-security-policy.js';
import { REPO } from '../../helpers/run-cli.js';
import { tempDir } from '../studio/helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let paths: RendererPaths;
const BUILT = new Date('2026-01-02T00:00:00Z');
const BEFORE = new Date('2026-01-01T00:00:00Z');
const AFTER = new Date('2026-01-03T00:00:00Z');

/** A checkout in miniature: renderer sources, a shared module outside renderer/, and a build of them. */
async function writeCheckout(): Promise<void> {
  const r = paths.rendererDir;
  const files = {
    [path.join(r, 'index.html')]: '<!doctype html>',
    [path.join(r, 'vite.config.ts')]: 'export default {}',
    [path.join(r, 'src', 'main.ts')]: 'import "./App.svelte"',
    [path.join(r, 'src', 'App.svelte')]: '<p>hi</p>',
    [path.join(tmp.dir, 'main', 'api', 'methods.ts')]: 'export const M = 1',
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    await utimes(file, BEFORE, BEFORE);
  }
  const assets = path.join(paths.distDir, 'assets');
  await mkdir(assets, { recursive: true });
  await writeFile(path.join(assets, 'index-1.js'), 'x');
  const sources = ['../../src/main.ts', '../../src/App.svelte', '../../../main/api/methods.ts', '\0vite/preload-helper'];
  await writeFile(path.join(assets, 'index-1.js.map'), JSON.stringify({ version: 3, sources, mappings: '' }));
  await writeFile(path.join(paths.distDir, 'index.html'), '<!doctype html>');
  await utimes(path.join(paths.distDir, 'index.html'), BUILT, BUILT);
}

beforeEach(async () => {
  tmp = await tempDir('tandem-renderer-build-');
  paths = { rendererDir: path.join(tmp.dir, 'renderer'), distDir: path.join(tmp.dir, 'renderer', 'dist') };
});
afterEach(() => tmp.cleanup());

describe('whether the interface needs building', () => {
  it('builds when there is no build yet', async () => {
    expect(await rendererBuildReason(paths)).toMatch(/not been built/);
  });

  it('leaves a build alone that is newer than every file that went into it', async () => {
    await writeCheckout();
    expect(await rendererBuildReason(paths)).toBeNull();
  });

  it('rebuilds when a source in the build, or a config file, changed after it', async () => {
    await writeCheckout();
    await utimes(path.join(paths.rendererDir, 'src', 'App.svelte'), AFTER, AFTER);
    expect(await rendererBuildReason(paths)).toBe('renderer/src/App.svelte changed since the last build');

    await writeCheckout();
    // The API contract lives outside renderer/: the source map still names it.
    await utimes(path.join(tmp.dir, 'main', 'api', 'methods.ts'), AFTER, AFTER);
    expect(await rendererBuildReason(paths)).toBe('main/api/methods.ts changed since the last build');

    await writeCheckout();
    await utimes(path.join(paths.rendererDir, 'index.html'), AFTER, AFTER);
    expect(await rendererBuildReason(paths)).toBe('renderer/index.html changed since the last build');
  });

  it('rebuilds when a file of the build is gone, or the build cannot say what it was made of', async () => {
    await writeCheckout();
    await rm(path.join(paths.rendererDir, 'src', 'App.svelte'));
    expect(await rendererBuildReason(paths)).toMatch(/renderer\/src\/App\.svelte, part of the last build, is gone/);

    await writeCheckout();
    await rm(path.join(paths.distDir, 'assets', 'index-1.js.map'));
    expect(await rendererBuildReason(paths)).toMatch(/no source maps/);
  });
});

describe('building it', () => {
  it('builds the real renderer once, then finds it current', async () => {
    const real: RendererPaths = { rendererDir: path.join(REPO, 'renderer'), distDir: path.join(tmp.dir, 'dist') };
    const log: string[] = [];
    expect(await ensureRendererBuilt(real, (l) => log.push(l))).toMatch(/not been built/);
    expect(log).toEqual(['building the interface (it has not been built yet)…']);
    const html = await readFile(path.join(real.distDir, 'index.html'), 'utf8');
    expect(html).toContain('<script type="module"');
    expect(html.replaceAll('&#39;', "'")).toContain(`content="${META_CONTENT_SECURITY_POLICY}"`);
    expect(await ensureRendererBuilt(real, (l) => log.push(l))).toBeNull();
    expect(log).toHaveLength(1);
  }, 180_000);
});
