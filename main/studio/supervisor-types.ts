// The supervisor's types the adapter needs, named in one place (type-only: nothing loads).
export type { ChildMessage } from '../jobs/protocol.js';
export type { EnqueueSpec as EnqueueSpecForStudio } from '../jobs/supervisor.js';
