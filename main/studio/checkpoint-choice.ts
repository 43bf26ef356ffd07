// Which of a run's saved models a request means: the one asked for by id, or by default the
// latest (an imported run's model), else the newest; and its file, checked to still be on disk.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from '../api/entities.js';
import type { RunRecord } from '../store/runs.js';
import type { StudioContext } from './context.js';
import { notFound, StudioError } from './studio-error.js';

export interface ChosenCheckpoint {
  checkpoint: Checkpoint;
  file: string;
}

/** `none`: what to tell the user when the run has saved nothing yet; `field` names the request's field. */
export function chooseCheckpoint(
  ctx: StudioContext,
  run: RunRecord,
  checkpointId: number | undefined,
  none: string,
  field?: string,
): ChosenCheckpoint {
  let checkpoint: Checkpoint | null;
  if (checkpointId !== undefined) {
    checkpoint = ctx.store.artifacts.checkpoint(checkpointId);
    if (!checkpoint || checkpoint.runId !== run.id) throw notFound(`checkpoint of run ${run.id}`, checkpointId);
  } else {
    const all = ctx.store.artifacts.checkpoints(run.id);
    checkpoint = all.find((c) => c.kind === 'latest' || c.kind === 'imported') ?? all.at(-1) ?? null;
  }
  if (!checkpoint) throw new StudioError('conflict', none, field);
  const file = join(run.runDir, checkpoint.fileName);
  if (!existsSync(file)) throw new StudioError('not-found', `The model file ${file} is gone from disk; pick another checkpoint.`, field);
  return { checkpoint, file };
}
