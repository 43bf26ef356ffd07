// The job kinds and the states a job moves through: declared once here, import-free, because the
// API contract (and so the renderer) shares them with the protocol and the supervisor.
export const JOB_KINDS = ['train', 'export', 'import', 'model-export', 'probe'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** queued → starting → running ⇄ paused → stopping → finished | failed | interrupted | cancelled */
export const JOB_STATES = [
  'queued',
  'starting',
  'running',
  'paused',
  'stopping',
  'finished',
  'failed',
  'interrupted',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A job in one of these is over; its process, if it had one, has exited. */
export const FINAL_STATES: ReadonlySet<JobState> = new Set(['finished', 'failed', 'interrupted', 'cancelled']);
/** A job in one of these has a process. */
export const LIVE_STATES: ReadonlySet<JobState> = new Set(['starting', 'running', 'paused', 'stopping']);
