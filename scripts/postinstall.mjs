// Electron's own install script is disabled (package.json allowScripts) because it downloads
// the Electron binary, which fails on machines without internet. Try that download here and
// explain a failure in one line instead of failing the whole install: the browser studio
// (`tandem serve`) works without it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const require = createRequire(import.meta.url);

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

const dir = electronDir();
if (dir === null) process.exit(0); // production install without devDependencies
if (existsSync(path.join(dir, 'path.txt'))) process.exit(0); // binary already present
if (process.env.TANDEM_SKIP_ELECTRON_DOWNLOAD) process.exit(0);

const result = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
  cwd: dir,
  stdio: ['ignore', 'pipe', 'pipe'],
  timeout: 300_000,
  encoding: 'utf8',
});
if (result.status !== 0 || !existsSync(path.join(dir, 'path.txt'))) {
  const reason =
    (result.stderr || result.stdout || result.error?.message || 'unknown error')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? 'unknown error';
  console.log(
    `tandem: the Electron binary could not be downloaded (${reason.slice(0, 160)}); ` +
      'the desktop app cannot start, but `npm run serve` (the browser studio) works.',
  );
}
