// The desktop app's main process: a thin shell around the Studio service.
import { app, BrowserWindow } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobSupervisor } from '../jobs/supervisor.js';
import { Studio } from '../studio/index.js';
import { stopOnSignals } from '../studio/stop-on-signals.js';
import { SupervisorJobRunner } from '../studio/job-runner.js';
import { wireIpc } from './ipc.js';
import { handleTandemProtocol, registerTandemScheme } from './protocol.js';
import { APP_ORIGIN, hardenSession, lockAllContents } from './security.js';
import { utilityLauncher } from './utility-launcher.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// Layout of the built app (scripts/build-desktop.mjs): out/main, out/preload, out/jobs, out/renderer.
const built = (...p: string[]) => path.join(here, '..', ...p);

registerTandemScheme();
lockAllContents();
app.enableSandbox();

async function start(): Promise<void> {
  await app.whenReady();
  hardenSession();
  const supervisor = new JobSupervisor({ launcher: utilityLauncher(), entry: built('jobs', 'child-main.js') });
  const studio = await Studio.open({
    dataDir: process.env.TANDEM_DATA ?? app.getPath('userData'),
    runner: new SupervisorJobRunner(supervisor),
  });
  handleTandemProtocol(studio, built('renderer'));

  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    backgroundColor: '#1b1b1b',
    title: 'Tandem',
    show: false,
    webPreferences: {
      preload: built('preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click opens links in new windows, bypassing the window-open handler.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const unwire = wireIpc(studio, window);
  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${APP_ORIGIN}/index.html`);

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Let running jobs finish their step and checkpoint before the database closes.
    event.preventDefault();
    quitting = true;
    unwire();
    void studio
      .close()
      .then((ended) => ended.forEach((line) => console.error(line)))
      .finally(() => app.quit());
  });
  // Electron turns SIGINT/SIGTERM into app.quit() by itself; these handlers, where they take the
  // signal instead, do the same and add the second Ctrl-C (stop at once, saying what is lost).
  stopOnSignals(studio, { stop: () => app.quit() });
  app.on('window-all-closed', () => app.quit());
}

start().catch((e: unknown) => {
  console.error(`Tandem could not start: ${e instanceof Error ? e.message : String(e)}`);
  app.exit(1);
});
