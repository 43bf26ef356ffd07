// `tandem serve`: the studio in a browser. Opens the data folder, starts the job supervisor and
// the HTTP + WebSocket server, prints the URL, and shuts down cleanly on Ctrl-C (training jobs
// finish their step and save a checkpoint first; see studio/stop-on-signals.ts).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT, startStudioServer } from '../server/server.js';
import { defaultDataDir } from '../studio/data-dir.js';
import { Studio } from '../studio/studio.js';
import { stopOnSignals } from '../studio/stop-on-signals.js';
import { SupervisorJobRunner } from '../studio/job-runner.js';
import { parseIntOption } from './argv.js';
import { ensureRendererBuilt } from './renderer-build.js';
import { UserError } from './user-error.js';

const RENDERER = {
  rendererDir: fileURLToPath(new URL('../../renderer', import.meta.url)),
  distDir: fileURLToPath(new URL('../../renderer/dist', import.meta.url)),
};

interface ServeFlags {
  port: number;
  host: string;
  data?: string;
  ui?: string;
  require_token?: boolean;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the studio as a web server: open the printed URL in a browser')
    .option('--port <n>', 'port to listen on (0: any free port)', parseIntOption('port'), DEFAULT_PORT)
    .option('--host <address>', 'address to bind; anything but loopback requires the printed token', DEFAULT_HOST)
    .option('--data <folder>', 'the studio data folder (default: TANDEM_DATA, or the platform user-data folder)')
    .option('--ui <folder>', 'a built renderer to serve (default: renderer/dist)')
    .option('--require_token', 'require the access token even on loopback')
    .action(async (flags: ServeFlags) => {
      // From a checkout, the interface is built on first use and rebuilt when its sources change.
      if (!flags.ui) {
        try {
          await ensureRendererBuilt(RENDERER, (line) => console.error(line));
        } catch (e) {
          console.error(`note: the interface could not be built: ${(e as Error).message}`);
        }
      }
      const dataDir = resolve(flags.data ?? defaultDataDir());
      let studio: Studio;
      try {
        studio = await Studio.open({ dataDir, runner: SupervisorJobRunner.create() });
      } catch (e) {
        throw new UserError(`cannot open the studio data folder ${dataDir}: ${(e as Error).message}`);
      }
      if (studio.recovery.runs.length) {
        console.error(
          `${studio.recovery.runs.length} run(s) were cut off when Tandem last stopped; they are marked interrupted (each says whether it can resume).`,
        );
      }
      const uiDir = flags.ui ? resolve(flags.ui) : RENDERER.distDir;
      let server;
      try {
        server = await startStudioServer({
          studio,
          host: flags.host,
          port: flags.port,
          uiDir,
          ...(flags.require_token ? { requireToken: true } : {}),
        });
      } catch (e) {
        await studio.close();
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new UserError(`port ${flags.port} is in use (another Tandem?); choose another with --port`);
        if (code === 'EADDRNOTAVAIL') throw new UserError(`cannot bind ${flags.host}: no such address on this machine`);
        throw e;
      }
      console.error(`data: ${dataDir}`);
      if (!existsSync(resolve(uiDir, 'index.html')))
        console.error(`note: no built interface in ${uiDir}; the page will say how to build it`);
      if (server.token) console.error('access token required (it is in the URL below; keep it private)');
      console.log(`Tandem studio: ${server.url}`);
      await new Promise<void>((done) => {
        const stopSignals = stopOnSignals(studio, {
          stop: () =>
            void server
              .close()
              .catch((e: unknown) => console.error(`closing the server: ${(e as Error).message}`))
              .then(() => studio.close())
              .then((ended) => {
                for (const line of ended) console.error(line);
                stopSignals();
                done();
              }),
        });
      });
    });
}
