// After a crash or a kill, the database still says "running" for work whose process is gone.
// At start, before any job is launched, every such run, export and job is marked 'interrupted'
// with a reason; a run resumes from its last checkpoint on request.
import { ACTIVE_RUN_STATUSES } from '../api/entities.js';
import type { Store } from '../store/store.js';

export interface RecoveryReport {
  runs: string[];
  exports: string[];
  modelExports: string[];
  jobs: string[];
}

export function recoverInterruptedWork(store: Store, now: number): RecoveryReport {
  return store.transaction(() => {
    const runs = store.runs.listByStatus(ACTIVE_RUN_STATUSES);
    for (const r of runs) {
      if (r.origin === 'imported') {
        store.runs.update(r.id, { status: 'failed', statusReason: 'Tandem stopped while this model was being imported; import it again.', endedAt: now });
        continue;
      }
      const where = r.lastCheckpoint
        ? `resume continues from the last checkpoint (${r.lastCheckpoint}, image ${r.totalIters})`
        : 'no checkpoint had been saved yet, so it has to start again';
      store.runs.update(r.id, {
        status: 'interrupted',
        statusReason: `Tandem stopped while this run was ${r.status} (the app quit or crashed); ${where}.`,
        endedAt: now,
      });
    }
    const exports = store.exports.listByStatus(['queued', 'running']);
    for (const e of exports) {
      store.exports.update(e.id, {
        status: 'interrupted',
        statusReason: 'Tandem stopped while this export was running; start it again (images already translated are kept).',
        endedAt: now,
      });
    }
    const modelExports = store.modelExports.listByStatus(['queued', 'running']);
    for (const e of modelExports) {
      store.modelExports.update(e.id, { status: 'interrupted', statusReason: 'Tandem stopped while this model was being exported; nothing was written; export it again.', endedAt: now });
    }
    const jobs = store.jobs.live();
    for (const j of jobs) store.jobs.setState(j.id, 'interrupted', 'Tandem stopped while the job was live.', now);
    return { runs: runs.map((r) => r.id), exports: exports.map((e) => e.id), modelExports: modelExports.map((e) => e.id), jobs: jobs.map((j) => j.id) };
  });
}
