// A trainer whose studio went away saves a checkpoint as it stops (child-main's onDisconnect) that
// no studio recorded. It is found by its header and recorded, at start (recovery) and again on
// Resume (the trainer may still have been saving when the studio started), so nothing it trained
// is lost.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readCheckpointMetaSync } from '../gan/checkpoint/read-meta.js';
import type { RunRecord } from '../store/runs.js';
import type { Store } from '../store/store.js';

const LATEST = 'latest.tandem';
const progressSchema = z.object({
  progress: z.object({ epoch: z.number().int().min(1), epochIter: z.number().int().min(0), totalIters: z.number().int().min(0) }),
});
export type SavedProgress = z.infer<typeof progressSchema>['progress'];

/** The progress of a latest checkpoint newer than the one recorded, or null (none, or unreadable). */
export function unrecordedCheckpoint(store: Store, r: RunRecord): SavedProgress | null {
  const file = join(r.runDir, LATEST);
  if (!existsSync(file)) return null;
  const recorded = store.artifacts.checkpointByFile(r.id, LATEST);
  try {
    const { progress } = progressSchema.parse(readCheckpointMetaSync(file));
    return !recorded || progress.totalIters > recorded.totalIters ? progress : null;
  } catch {
    // A damaged file is named by resume, which reads it whole.
    return null;
  }
}

export function recordCheckpointLeftBehind(store: Store, r: RunRecord, saved: SavedProgress, now: number): void {
  store.artifacts.upsertCheckpoint({ runId: r.id, fileName: LATEST, kind: 'latest', ...saved, reason: 'stopped', createdAt: now });
  store.runs.update(r.id, { lastCheckpoint: LATEST, totalIters: saved.totalIters, epoch: saved.epoch });
}
