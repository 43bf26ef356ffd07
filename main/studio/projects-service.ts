// Projects and their datasets: create from folders, list, rename, delete (never the user's
// images), page through the index and summarise its health.
import { mkdir, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ACTIVE_RUN_STATUSES, type DatasetHealth, type DatasetItem, type DatasetPage, type Project } from '../api/entities.js';
import type { MethodParams } from '../api/methods.js';
import { newId } from '../store/ids.js';
import type { IndexedFile } from '../store/dataset-index.js';
import type { ProjectRecord } from '../store/projects.js';
import { datasetHealth } from './dataset-health.js';
import { datasetUrl, emitProject, presentProject, requireProject, type StudioContext } from './context.js';
import { isInside } from './paths.js';
import { StudioError } from './studio-error.js';

async function requireFolder(path: string, field: string): Promise<string> {
  const abs = resolve(path);
  const info = await stat(abs).catch((e: NodeJS.ErrnoException) => e);
  if (info instanceof Error) {
    const why = info.code === 'ENOENT' ? 'does not exist' : `cannot be opened (${info.code ?? info.message})`;
    throw new StudioError('folder-missing', `The folder ${abs} ${why}; choose an existing folder.`, field);
  }
  if (!info.isDirectory())
    throw new StudioError('invalid-input', `${abs} is a file, not a folder; choose the folder that holds the images.`, field);
  return abs;
}

export async function createProject(ctx: StudioContext, input: MethodParams<'projects.create'>): Promise<Project> {
  let folderA: string;
  let folderB: string | null;
  if (input.layout === 'aligned') {
    folderA = await requireFolder(input.folder, 'folder');
    folderB = null;
  } else {
    folderA = await requireFolder(input.folderA, 'folderA');
    folderB = await requireFolder(input.folderB, 'folderB');
    if (isInside(folderA, folderB) || isInside(folderB, folderA)) {
      throw new StudioError(
        'invalid-input',
        `The A and B folders overlap (${folderA}, ${folderB}); choose two separate folders.`,
        'folderB',
      );
    }
  }
  for (const [dir, field] of [
    [folderA, input.layout === 'aligned' ? 'folder' : 'folderA'],
    [folderB, 'folderB'],
  ] as const) {
    if (dir && (isInside(ctx.dataDir.root, dir) || isInside(dir, ctx.dataDir.root))) {
      throw new StudioError('invalid-input', `${dir} overlaps Tandem's own data folder ${ctx.dataDir.root}; keep images elsewhere.`, field);
    }
  }
  const id = newId('p');
  const now = ctx.now();
  const record: ProjectRecord = {
    id,
    name: input.name,
    kind: input.layout === 'unpaired' ? 'unpaired' : 'paired',
    layout: input.layout,
    folderA,
    folderB,
    artifactDir: ctx.dataDir.project(id),
    status: 'indexing',
    statusReason: null,
    createdAt: now,
    updatedAt: now,
  };
  await mkdir(record.artifactDir, { recursive: true });
  ctx.store.projects.insert(record);
  // Index before answering: the caller's next request (health, listing) sees the data.
  await ctx.startWatch(record);
  emitProject(ctx, id);
  return presentProject(ctx, ctx.store.projects.get(id)!);
}

export function listProjects(ctx: StudioContext): Project[] {
  return ctx.store.projects.list().map((p) => presentProject(ctx, p));
}

export function getProject(ctx: StudioContext, projectId: string): Project {
  return presentProject(ctx, requireProject(ctx, projectId));
}

export function renameProject(ctx: StudioContext, input: MethodParams<'projects.rename'>): Project {
  requireProject(ctx, input.projectId);
  ctx.store.projects.rename(input.projectId, input.name, ctx.now());
  emitProject(ctx, input.projectId);
  return getProject(ctx, input.projectId);
}

export async function deleteProject(
  ctx: StudioContext,
  input: MethodParams<'projects.delete'>,
): Promise<{ projectId: string; deletedArtifacts: boolean }> {
  const p = requireProject(ctx, input.projectId);
  const active = ctx.store.runs.listByProject(p.id).filter((r) => ACTIVE_RUN_STATUSES.includes(r.status));
  if (active.length) {
    throw new StudioError(
      'conflict',
      `The run "${active[0]!.name}" of this project is ${active[0]!.status}; stop it before deleting the project.`,
    );
  }
  const exporting = [...ctx.store.exports.listByProject(p.id), ...ctx.store.modelExports.listByProject(p.id)].filter(
    (e) => e.status === 'queued' || e.status === 'running',
  );
  if (exporting.length)
    throw new StudioError('conflict', 'An export of this project is running; wait for it or stop it before deleting the project.');
  await ctx.watches.get(p.id)?.close();
  ctx.watches.delete(p.id);
  ctx.store.projects.delete(p.id);
  // Only Tandem's own folder for this project, and only when it really lies in the data folder.
  const own = ctx.dataDir.project(p.id);
  const deletedArtifacts = input.deleteArtifacts && resolve(p.artifactDir) === resolve(own) && isInside(ctx.dataDir.root, own);
  if (deletedArtifacts) await rm(own, { recursive: true, force: true });
  ctx.hub.emit('project.deleted', { projectId: p.id });
  return { projectId: p.id, deletedArtifacts };
}

export function listDataset(ctx: StudioContext, input: MethodParams<'datasets.list'>): DatasetPage {
  const p = requireProject(ctx, input.projectId);
  const page = ctx.store.datasetIndex.page(p.id, { role: input.role, status: input.status, offset: input.offset, limit: input.limit });
  return {
    total: page.total,
    offset: input.offset,
    items: page.items.map((f) => presentDatasetItem(p.id, f)),
  };
}

export function presentDatasetItem(projectId: string, f: IndexedFile): DatasetItem {
  return {
    role: f.role,
    relPath: f.relPath,
    url: datasetUrl(projectId, f.role, f.relPath),
    size: f.size,
    width: f.width,
    height: f.height,
    contentHash: f.contentHash,
    status: f.status,
    reason: f.reason,
  };
}

export function projectHealth(ctx: StudioContext, projectId: string): DatasetHealth {
  const p = requireProject(ctx, projectId);
  const watch = ctx.watches.get(p.id);
  return datasetHealth(p, ctx.store.datasetIndex.all(p.id), (role) => watch?.isPresent(role) ?? false);
}
