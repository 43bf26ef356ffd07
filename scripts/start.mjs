// `npm start`: the desktop app where Electron's binary is installed; otherwise the browser studio.
import { existsSync } from 'node:fs';
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
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

const electron = electronBinary();
if (electron) {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-desktop.mjs')], { stdio: 'inherit' });
  const child = spawn(electron, [path.join(root, 'out/main/index.mjs')], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  // `tandem serve` builds the interface itself when it is missing or older than its sources.
  console.log('tandem: the Electron binary is not installed (offline install), so the desktop app cannot open; starting the browser studio instead.');
  const child = spawn(process.execPath, [path.join(root, 'bin/tandem.mjs'), 'serve', ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
