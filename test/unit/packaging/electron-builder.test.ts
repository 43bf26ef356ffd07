import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO } from '../../helpers/run-cli.js';

// Packaging needs Electron's binary, which an offline install lacks; the configuration is
// checked here instead, so a broken installer setup shows before release day.
const config = parse(readFileSync(path.join(REPO, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };

describe('electron-builder configuration', () => {
  it('names the app and builds every platform target', () => {
    expect(config).toMatchObject({ appId: 'app.tandem.studio', productName: 'Tandem' });
    expect(config.mac).toMatchObject({ target: ['dmg'] });
    expect(config.win).toMatchObject({ target: ['nsis'] });
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
    expect(pkg.scripts.dist).toMatch(/electron-builder --config electron-builder\.yml/);
  });

  it('packs the built app, and the entry point is inside it', () => {
    expect(config.files).toContain('out/**');
    expect(pkg.main.startsWith('out/')).toBe(true);
    const build = readFileSync(path.join(REPO, 'scripts', 'build-desktop.mjs'), 'utf8');
    expect(build).toContain(`outfile: path.join(out, '${pkg.main.slice('out/'.length)}')`);
  });

  it('unpacks native modules from asar and rebuilds them for Electron', () => {
    const unpacked = config.asarUnpack as string[];
    for (const m of ['better-sqlite3', 'sharp', 'onnxruntime-node', '@tensorflow/tfjs-node']) {
      expect(
        unpacked.some((p) => p.includes(`node_modules/${m}/`)),
        m,
      ).toBe(true);
    }
    expect(config.npmRebuild).toBe(true);
    // Worker threads cannot start from inside the archive.
    expect(unpacked).toContain('out/jobs/wasm-pthread-worker.cjs');
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      onlyLoadAppFromAsar: true,
    });
  });

  it("ships only the target platform's dawn.node (webgpu), unpacked from asar with the DLLs beside it", () => {
    expect(config.asarUnpack as string[]).toContain('node_modules/webgpu/dist/**');
    const dist = path.join(REPO, 'node_modules', 'webgpu', 'dist');
    const kept = (os: 'mac' | 'win' | 'linux', arch: string) => {
      const files = packagedFiles(os, arch, dist);
      return [...new Set(files.map((f) => path.relative(dist, f).split(path.sep)[0]))].sort();
    };
    expect(kept('mac', 'universal')).toEqual(['darwin-universal']);
    expect(kept('mac', 'arm64')).toEqual(['darwin-universal']);
    expect(kept('win', 'x64')).toEqual(['win32-x64']);
    expect(kept('win', 'arm64')).toEqual(['win32-arm64']);
    expect(kept('linux', 'x64')).toEqual(['linux-x64']);
    expect(kept('linux', 'arm64')).toEqual(['linux-arm64']);
    // The Windows addon loads the shader compilers from its own folder.
    expect(
      packagedFiles('win', 'x64', dist)
        .map((f) => path.basename(f))
        .sort(),
    ).toEqual(expect.arrayContaining(['dawn.node', 'd3dcompiler_47.dll', 'dxcompiler.dll']));
  });
});

/**
 * The files under `dir` that electron-builder would copy from node_modules for a target, by its own
 * matcher (app-builder-lib's FileMatcher and macro expansion, as getNodeModuleFileMatcher builds it:
 * everything but the exclusions of `files` and the platform's `files`).
 */
function packagedFiles(os: 'mac' | 'win' | 'linux', arch: string, dir: string): string[] {
  const require = createRequire(import.meta.url);
  const { FileMatcher } = require('app-builder-lib/out/fileMatcher.js') as {
    FileMatcher: new (from: string, to: string, expand: (p: string) => string, patterns?: string[]) => FileMatcherLike;
  };
  const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js') as {
    expandMacro: (p: string, arch: string, appInfo: object, extra: object) => string;
  };
  const platform = (config[os] as { files?: string[] } | undefined)?.files ?? [];
  const exclusions = [...((config.files as string[]) ?? []), ...platform].filter((p) => p.startsWith('!'));
  const matcher = new FileMatcher(REPO, REPO, (p) => expandMacro(p, arch, {}, { os }), ['**/*', ...exclusions]);
  const filter = matcher.createFilter();
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const f = path.join(d, name);
      const st = statSync(f);
      if (!filter(f, st)) continue;
      if (st.isDirectory()) walk(f);
      else out.push(f);
    }
  };
  walk(dir);
  return out;
}

interface FileMatcherLike {
  createFilter(): (file: string, stat: ReturnType<typeof statSync>) => boolean;
}
