// The method table: name → input schema, and the StudioApi type derived from it. main validates
// with these schemas; preload exposes one function per name; the renderer imports only types.
import type { z } from 'zod';
import type {
  BackendInfo,
  Checkpoint,
  DatasetHealth,
  DatasetPage,
  DatasetPairPage,
  ExportJob,
  FolderListing,
  ModelExport,
  Project,
  Run,
  RunMetrics,
  RunSummary,
  Sample,
  Settings,
} from './entities.js';
import type { ApiResult } from './errors.js';
import type { METHOD_NAME_LIST } from './ipc-channels.js';
import {
  createProjectInput,
  deleteProjectInput,
  emptyInput,
  exportModelInput,
  exportRef,
  importModelInput,
  listDatasetInput,
  listPairsInput,
  listExportsInput,
  listFoldersInput,
  metricsInput,
  modelExportRef,
  projectRef,
  renameProjectInput,
  runRef,
  setSettingsInput,
  startExportInput,
  startRunInput,
} from './schemas.js';

export const METHOD_SCHEMAS = {
  'projects.create': createProjectInput,
  'projects.list': emptyInput,
  'projects.get': projectRef,
  'projects.rename': renameProjectInput,
  'projects.delete': deleteProjectInput,
  'datasets.list': listDatasetInput,
  'datasets.pairs': listPairsInput,
  'datasets.health': projectRef,
  'runs.start': startRunInput,
  'runs.pause': runRef,
  'runs.resume': runRef,
  'runs.stop': runRef,
  'runs.list': projectRef,
  'runs.get': runRef,
  'runs.delete': runRef,
  'runs.metrics': metricsInput,
  'runs.samples': runRef,
  'checkpoints.list': runRef,
  'exports.start': startExportInput,
  'exports.list': listExportsInput,
  'exports.get': exportRef,
  'exports.stop': exportRef,
  'models.import': importModelInput,
  'models.export': exportModelInput,
  'models.exports': projectRef,
  'models.getExport': modelExportRef,
  'settings.get': emptyInput,
  'settings.set': setSettingsInput,
  'backend.info': emptyInput,
  'fs.listFolders': listFoldersInput,
} as const;

export type MethodName = keyof typeof METHOD_SCHEMAS;
export const METHOD_NAMES = Object.keys(METHOD_SCHEMAS) as MethodName[];

// A method added to one list but not the other fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const sameNames: Same<MethodName, (typeof METHOD_NAME_LIST)[number]> = true;
void sameNames;

export interface MethodOutputs {
  'projects.create': Project;
  'projects.list': Project[];
  'projects.get': Project;
  'projects.rename': Project;
  'projects.delete': { projectId: string; deletedArtifacts: boolean };
  'datasets.list': DatasetPage;
  'datasets.pairs': DatasetPairPage;
  'datasets.health': DatasetHealth;
  'runs.start': Run;
  'runs.pause': Run;
  'runs.resume': Run;
  'runs.stop': Run;
  'runs.list': RunSummary[];
  'runs.get': Run;
  'runs.delete': { runId: string; deletedFiles: boolean };
  'runs.metrics': RunMetrics;
  'runs.samples': Sample[];
  'checkpoints.list': Checkpoint[];
  'exports.start': ExportJob;
  'exports.list': ExportJob[];
  'exports.get': ExportJob;
  'exports.stop': ExportJob;
  'models.import': Run;
  'models.export': ModelExport;
  'models.exports': ModelExport[];
  'models.getExport': ModelExport;
  'settings.get': Settings;
  'settings.set': Settings;
  'backend.info': BackendInfo;
  'fs.listFolders': FolderListing;
}

/** What a caller passes (defaults may be left out). */
export type MethodInput<M extends MethodName> = z.input<(typeof METHOD_SCHEMAS)[M]>;
/** What a handler receives after validation (defaults filled in). */
export type MethodParams<M extends MethodName> = z.output<(typeof METHOD_SCHEMAS)[M]>;
export type MethodOutput<M extends MethodName> = MethodOutputs[M];

/** The whole studio as one object: what preload exposes as window.studio, and what clients implement. */
export type StudioApi = { [M in MethodName]: (params: MethodInput<M>) => Promise<ApiResult<MethodOutput<M>>> };

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(METHOD_SCHEMAS, name);
}
