export { Studio, type StudioOptions } from './studio.js';
export { defaultDataDir, DataDir } from './data-dir.js';
export { SupervisorJobRunner, UnavailableJobRunner, type JobRunner } from './job-runner.js';
export { StudioError } from './studio-error.js';
