export { Studio, type StudioOptions } from './studio.js';
export { defaultDataDir, DataDir } from './data-dir.js';
export { UnavailableJobRunner, type JobRunner, type JobSpec, type JobMessage, type TrainJobSpec, type ExportJobSpec } from './job-runner.js';
export { StudioError } from './studio-error.js';
