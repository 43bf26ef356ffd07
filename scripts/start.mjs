// `npm start`: the desktop app where Electron's binary is installed; otherwise the browser studio.
import { existsSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    return existsSync(path.join(dir, 'path.txt')) ? require('electron') : null;
  } catch {
    return null;
  }
}

/**
 * This launcher only waits for its child. A terminal's Ctrl-C reaches the child too (same process
 * group), which stops cleanly (jobs save first) and may take a while: the launcher must not die
 * before it and hand the terminal back mid-stop. A SIGTERM sent to the launcher alone is passed on.
 */
function waitFor(child) {
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 0)));
}

const electron = electronBinary();
if (electron) {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-desktop.mjs')], { stdio: 'inherit' });
  waitFor(spawn(electron, [path.join(root, 'out/main/index.mjs')], { stdio: 'inherit' }));
} else {
  // `tandem serve` builds the interface itself when it is missing or older than its sources.
  console.log(
    'tandem: the Electron binary is not installed (offline install), so the desktop app cannot open; starting the browser studio instead.',
  );
  waitFor(spawn(process.execPath, [path.join(root, 'bin/tandem.mjs'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' }));
}
