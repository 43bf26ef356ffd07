// Method name → handler. Every call is validated against the contract's schema first; a handler
// receives typed, defaulted params and throws StudioError for anything the user can fix.
import type { ZodError } from 'zod';
import { fail, ok, type ApiResult } from '../api/errors.js';
import { isMethodName, METHOD_SCHEMAS, type MethodName, type MethodOutput, type MethodParams } from '../api/methods.js';
import type { StudioContext } from './context.js';
import { getExport, listExports, startExport, stopExport } from './exports-service.js';
import { listPairs } from './dataset-pairs.js';
import { listFolders } from './folder-listing.js';
import { exportModel, getModelExport, importModel, listModelExports } from './models-service.js';
import { createProject, deleteProject, getProject, listDataset, listProjects, projectHealth, renameProject } from './projects-service.js';
import {
  deleteRun,
  getRun,
  listCheckpoints,
  listRuns,
  pauseRun,
  resumeRun,
  runMetrics,
  runSamples,
  startRun,
  stopRun,
} from './runs-service.js';
import { backendInfo, getSettings, setSettings } from './settings-service.js';
import { StudioError } from './studio-error.js';

type Handlers = { [M in MethodName]: (ctx: StudioContext, params: MethodParams<M>) => MethodOutput<M> | Promise<MethodOutput<M>> };

const HANDLERS: Handlers = {
  'projects.create': createProject,
  'projects.list': (ctx) => listProjects(ctx),
  'projects.get': (ctx, p) => getProject(ctx, p.projectId),
  'projects.rename': renameProject,
  'projects.delete': deleteProject,
  'datasets.list': listDataset,
  'datasets.pairs': listPairs,
  'datasets.health': (ctx, p) => projectHealth(ctx, p.projectId),
  'runs.start': startRun,
  'runs.pause': (ctx, p) => pauseRun(ctx, p.runId),
  'runs.resume': (ctx, p) => resumeRun(ctx, p.runId),
  'runs.stop': (ctx, p) => stopRun(ctx, p.runId),
  'runs.list': (ctx, p) => listRuns(ctx, p.projectId),
  'runs.get': (ctx, p) => getRun(ctx, p.runId),
  'runs.delete': (ctx, p) => deleteRun(ctx, p.runId),
  'runs.metrics': runMetrics,
  'runs.samples': (ctx, p) => runSamples(ctx, p.runId),
  'checkpoints.list': (ctx, p) => listCheckpoints(ctx, p.runId),
  'exports.start': startExport,
  'exports.list': (ctx, p) => listExports(ctx, p.projectId),
  'exports.get': (ctx, p) => getExport(ctx, p.exportId),
  'exports.stop': (ctx, p) => stopExport(ctx, p.exportId),
  'models.import': importModel,
  'models.export': exportModel,
  'models.exports': (ctx, p) => listModelExports(ctx, p.projectId),
  'models.getExport': (ctx, p) => getModelExport(ctx, p.modelExportId),
  'settings.get': (ctx) => getSettings(ctx),
  'settings.set': setSettings,
  'backend.info': (ctx) => backendInfo(ctx),
  'fs.listFolders': listFolders,
};

/** "name: Too big: expected string to have <=200 characters" — the first issue, with its field. */
export function describeZodError(e: ZodError): { message: string; field: string } {
  const issue = e.issues[0]!;
  const field = issue.path.map(String).join('.') || '(params)';
  return { field, message: `${field}: ${issue.message}` };
}

export async function dispatch(ctx: StudioContext, method: string, params: unknown): Promise<ApiResult<unknown>> {
  if (!isMethodName(method)) {
    return fail('unknown-method', `There is no method "${method.slice(0, 64)}"; see METHOD_NAMES in main/api for the list.`);
  }
  const parsed = METHOD_SCHEMAS[method].safeParse(params ?? {});
  if (!parsed.success) {
    const { message, field } = describeZodError(parsed.error);
    return fail('invalid-input', `Invalid ${method} request: ${message}`, field);
  }
  try {
    const handler = HANDLERS[method] as (ctx: StudioContext, p: unknown) => unknown;
    return ok(await handler(ctx, parsed.data));
  } catch (e) {
    if (e instanceof StudioError) return { ok: false, error: e.toApiError() };
    ctx.log(`internal error in ${method}: ${(e as Error)?.stack ?? String(e)}`);
    return fail(
      'internal',
      `Tandem hit an internal error in ${method}: ${(e as Error)?.message ?? String(e)}. The details are in the log.`,
    );
  }
}
