import { readFileSync } from 'node:fs';
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
      expect(unpacked.some((p) => p.includes(`node_modules/${m}/`)), m).toBe(true);
    }
    expect(config.npmRebuild).toBe(true);
    // Worker threads cannot start from inside the archive.
    expect(unpacked).toContain('out/jobs/wasm-pthread-worker.cjs');
  });

  it('flips the security fuses', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, onlyLoadAppFromAsar: true });
  });
});
