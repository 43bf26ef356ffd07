export * from './database.js';
export * from './migrations.js';
export * from './store.js';
export * from './ids.js';
export type { ProjectRecord } from './projects.js';
export type { IndexedFile } from './dataset-index.js';
export type { RunRecord, RunUpdate } from './runs.js';
export type { SampleRecord } from './artifacts.js';
export type { ExportRecord } from './exports.js';
