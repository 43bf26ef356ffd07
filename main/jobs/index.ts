// The jobs API for the studio service: everything here is light (no tfjs is loaded in the
// process that imports it). Training and export run in child processes; see supervisor.ts.
export { JobSupervisor, JobRequestError, FINAL_STATES, interruptionReason } from './supervisor.js';
export type { EnqueueSpec, SupervisedJob, JobState, SupervisorEvent, SupervisorListener, SupervisorOptions } from './supervisor.js';
export { CHILD_ENTRY, forkLauncher } from './launcher.js';
export type { ChildExit, ChildHandle, ChildLauncher, ForkLauncherOptions, LaunchOptions } from './launcher.js';
export {
  PROTOCOL_VERSION,
  parseChildMessage,
  parseJobSpec,
  parseParentMessage,
  partialFolderFor,
  jobSpecSchema,
  childMessageSchema,
  parentMessageSchema,
} from './protocol.js';
export type {
  ChildMessage,
  ChildMessageOf,
  ChildMessageType,
  ExportJobSpec,
  ExportJobSpecInput,
  ExportResultMessage,
  JobKind,
  JobResult,
  JobSpec,
  JobSpecInput,
  ParentMessage,
  ParentMessageInput,
  Parsed,
  TrainJobSpec,
  TrainJobSpecInput,
  TrainResultMessage,
  WireTrainingProgress,
} from './protocol.js';
