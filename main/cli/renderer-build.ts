// `tandem serve` from a checkout builds the interface it serves: on first use (after `npm install`
// there is no renderer/dist) and again whenever a file that went into the build changed since.
// The build's own source maps say which files those were (renderer/src, the API contract it
// shares with main/, the libraries), so nothing has to keep a list of them.
import { spawn } from 'node:child_process';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface RendererPaths {
  /** renderer/: index.html, vite.config.ts, src/ … */
  rendererDir: string;
  /** Where the built interface goes (renderer/dist). */
  distDir: string;
}

/** Inputs that shape the build without appearing in its source maps. */
const CONFIG_FILES = ['index.html', 'vite.config.ts', 'svelte.config.js', path.join('..', 'package-lock.json')];

async function mapSources(assetsDir: string): Promise<string[] | null> {
  const maps = (await readdir(assetsDir).catch(() => [] as string[])).filter((n) => n.endsWith('.map'));
  if (maps.length === 0) return null;
  const sources: string[] = [];
  for (const name of maps) {
    const map = JSON.parse(await readFile(path.join(assetsDir, name), 'utf8')) as { sources?: string[]; sourceRoot?: string };
    // Bundler-internal modules (\0-prefixed ids) have no file behind them.
    for (const s of map.sources ?? []) if (!s.startsWith('\0')) sources.push(path.resolve(assetsDir, map.sourceRoot ?? '', s));
  }
  return sources;
}

/** Why the interface in distDir must be built (again), or null when it is current. */
export async function rendererBuildReason({ rendererDir, distDir }: RendererPaths): Promise<string | null> {
  const built = await stat(path.join(distDir, 'index.html')).catch(() => null);
  if (!built) return 'it has not been built yet';
  const sources = await mapSources(path.join(distDir, 'assets'));
  if (sources === null) return `${distDir} has no source maps to tell which files it was built from`;
  const shown = (f: string) => path.relative(path.dirname(rendererDir), f);
  for (const name of CONFIG_FILES) {
    const s = await stat(path.join(rendererDir, name)).catch(() => null);
    if (s && s.mtimeMs > built.mtimeMs) return `${shown(path.join(rendererDir, name))} changed since the last build`;
  }
  for (const file of new Set(sources)) {
    const s = await stat(file).catch(() => null);
    if (!s) return `${shown(file)}, part of the last build, is gone`;
    if (s.mtimeMs > built.mtimeMs) return `${shown(file)} changed since the last build`;
  }
  return null;
}

function viteBin(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    return null;
  }
}

/**
 * Builds into a fresh folder beside distDir and swaps it in when complete, so a failed build keeps
 * the previous interface and a studio serving distDir meanwhile never sees half of one.
 */
export async function buildRenderer({ rendererDir, distDir }: RendererPaths): Promise<void> {
  const vite = viteBin();
  if (!vite) throw new Error('vite, a development dependency, is not installed (npm install without --omit=dev)');
  const fresh = path.join(path.dirname(distDir), `.dist-building-${process.pid}`);
  const old = path.join(path.dirname(distDir), `.dist-old-${process.pid}`);
  try {
    const args = [
      vite,
      'build',
      '--config',
      path.join(rendererDir, 'vite.config.ts'),
      '--outDir',
      fresh,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: rendererDir, stdio: ['ignore', 2, 2] });
      child.on('error', reject);
      child.on('exit', resolve);
    });
    if (code !== 0) throw new Error(`vite build exited with code ${code}`);
    await rename(distDir, old).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    // Another studio starting at the same time may have swapped in its build first: keep that one.
    await rename(fresh, distDir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    });
  } finally {
    await rm(fresh, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}

/** Builds the interface when it is missing or stale; resolves with why it built, or null. */
export async function ensureRendererBuilt(paths: RendererPaths, log: (line: string) => void): Promise<string | null> {
  // Without its sources (an installed copy), whatever was built is all there is.
  if (!(await stat(path.join(paths.rendererDir, 'index.html')).catch(() => null))) return null;
  const reason = await rendererBuildReason(paths);
  if (reason === null) return null;
  log(`building the interface (${reason})…`);
  await buildRenderer(paths);
  return reason;
}
