// What the studio tests with real training jobs share: a temp folder with the demo datasets, and a
// studio whose job supervisor runs real child processes, served over its WebSocket API where a
// test drives it as the renderer does.
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { ExportJob } from '../../main/api/entities.js';
import type { ApiResult } from '../../main/api/errors.js';
import type { StudioEvent } from '../../main/api/events.js';
import { writeDemoDatasets, type DemoDatasets, type DemoOptions } from '../../main/data/demo.js';
import { JobSupervisor } from '../../main/jobs/supervisor.js';
import { NodeStudioClient } from '../../main/server/client.js';
import { startStudioServer, type RunningServer } from '../../main/server/server.js';
import { SupervisorJobRunner } from '../../main/studio/job-runner.js';
import type { Studio } from '../../main/studio/studio.js';
import { openStudio, tempDir, until, unwrap } from '../unit/studio/helpers.js';

export interface TrainingStudio {
  /** The temp folder: demo/ holds the datasets, data/ the studio's own files. */
  dir: string;
  demo: DemoDatasets;
  studio: Studio;
}

export interface ServedTrainingStudio extends TrainingStudio {
  server: RunningServer;
  client: NodeStudioClient;
}

/**
 * Opens the studio before the file's tests and closes it after them. The returned object is
 * filled in when beforeAll has run: read its fields inside hooks and tests only.
 */
export function trainingStudio(prefix: string, demo: DemoOptions, opts: { serve: true }): ServedTrainingStudio;
export function trainingStudio(prefix: string, demo: DemoOptions): TrainingStudio;
export function trainingStudio(prefix: string, demoOptions: DemoOptions, opts: { serve?: boolean } = {}): TrainingStudio {
  const t = {} as ServedTrainingStudio;
  let cleanup: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    const tmp = await tempDir(prefix);
    cleanup = tmp.cleanup;
    t.dir = tmp.dir;
    t.demo = await writeDemoDatasets(join(tmp.dir, 'demo'), demoOptions);
    // One wasm thread per child: vitest runs two test files at once on two cores.
    const env = { ...process.env, TANDEM_WASM_THREADS: '1', TANDEM_BACKEND: 'wasm' };
    t.studio = await openStudio(join(tmp.dir, 'data'), new SupervisorJobRunner(new JobSupervisor({ env }), 10_000));
    if (!opts.serve) return;
    t.server = await startStudioServer({ studio: t.studio, port: 0 });
    t.client = await NodeStudioClient.connect(`ws://127.0.0.1:${t.server.port}/api`);
  });
  afterAll(async () => {
    await t.client?.close();
    await t.server?.close();
    await t.studio?.close();
    await cleanup?.();
  });
  return t;
}

/** An event predicate: the run has reached `status` (for client.waitForEvent). */
export const runStatus = (runId: string, status: string) => (e: StudioEvent) =>
  e.event === 'run.changed' && e.data.run.id === runId && e.data.run.status === status;

/** Polls an export (`get`: exports.get over whichever transport) until it finishes; a failed or interrupted one fails the test. */
export function finishedExport(get: () => Promise<ApiResult<ExportJob>>, what = 'the export to finish'): Promise<ExportJob> {
  return until(
    async () => {
      const e = unwrap(await get());
      if (e.status === 'failed' || e.status === 'interrupted') throw new Error(`export ${e.status}: ${e.statusReason}`);
      return e.status === 'finished' ? e : undefined;
    },
    90_000,
    what,
  );
}
