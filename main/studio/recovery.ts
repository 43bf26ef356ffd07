// After a crash or a kill, the database still says "running" for work whose process is gone.
// At start, before any job is launched, every such run, export and job is marked 'interrupted'
// with a reason; a run resumes from its last checkpoint on request. A trainer whose studio went
// away saves a checkpoint as it stops (child-main's onDisconnect) that nobody recorded: it is
// recorded here, so that nothing it trained is lost.
import { ACTIVE_RUN_STATUSES } from '../api/entities.js';
import type { Store } from '../store/store.js';
import { recordCheckpointLeftBehind, unrecordedCheckpoint } from './left-behind-checkpoint.js';

export interface RecoveryReport {
  runs: string[];
  exports: string[];
  modelExports: string[];
  jobs: string[];
}

export function recoverInterruptedWork(store: Store, now: number): RecoveryReport {
  const runs = store.runs.listByStatus(ACTIVE_RUN_STATUSES);
  const leftBehind = new Map(runs.map((r) => [r.id, r.origin === 'trained' ? unrecordedCheckpoint(store, r) : null]));
  return store.transaction(() => {
    for (const r of runs) {
      if (r.origin === 'imported') {
        store.runs.update(r.id, {
          status: 'failed',
          statusReason: 'Tandem stopped while this model was being imported; import it again.',
          endedAt: now,
        });
        continue;
      }
      const saved = leftBehind.get(r.id);
      if (saved) recordCheckpointLeftBehind(store, r, saved, now);
      const where = saved
        ? `its trainer saved a checkpoint as it stopped; resume continues from there (image ${saved.totalIters})`
        : r.lastCheckpoint
          ? `resume continues from the last checkpoint (${r.lastCheckpoint}, image ${r.totalIters})`
          : 'no checkpoint had been saved yet, so it has to start again';
      store.runs.update(r.id, {
        status: 'interrupted',
        statusReason: `Tandem stopped while this run was ${r.status} (the app quit or crashed); ${where}.`,
        endedAt: now,
      });
    }
    // Exports of both kinds: marked interrupted with what a new start keeps.
    const interrupt = (table: typeof store.exports | typeof store.modelExports, statusReason: string): string[] => {
      const live = table.listByStatus(['queued', 'running']);
      for (const e of live) table.update(e.id, { status: 'interrupted', statusReason, endedAt: now });
      return live.map((e) => e.id);
    };
    const exports = interrupt(
      store.exports,
      'Tandem stopped while this export was running; start it again (images already translated are kept).',
    );
    const modelExports = interrupt(
      store.modelExports,
      'Tandem stopped while this model was being exported; nothing was written; export it again.',
    );
    const jobs = store.jobs.live();
    for (const j of jobs) store.jobs.setState(j.id, 'interrupted', 'Tandem stopped while the job was live.', now);
    return {
      runs: runs.map((r) => r.id),
      exports,
      modelExports,
      jobs: jobs.map((j) => j.id),
    };
  });
}
