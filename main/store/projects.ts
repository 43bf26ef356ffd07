// Projects: a name, its data folders, its artifact folder and whether the folders are there.
import type { ProjectKind, ProjectLayout, ProjectStatus } from '../api/entities.js';
import type { Db } from './database.js';
import { RecordTable, type Columns } from './record-table.js';

export interface ProjectRecord {
  id: string;
  name: string;
  kind: ProjectKind;
  layout: ProjectLayout;
  /** aligned: the side-by-side folder; otherwise the A folder. */
  folderA: string;
  folderB: string | null;
  artifactDir: string;
  status: ProjectStatus;
  statusReason: string | null;
  createdAt: number;
  updatedAt: number;
}

const COLUMNS: Columns<ProjectRecord> = {
  id: 'value',
  name: 'value',
  kind: 'value',
  layout: 'value',
  folderA: 'value',
  folderB: 'value',
  artifactDir: 'value',
  status: 'value',
  statusReason: 'value',
  createdAt: 'value',
  updatedAt: 'value',
};

/** delete() cascades to the index, runs, metrics, samples, checkpoints, exports and jobs of the project. */
export class ProjectsRepo extends RecordTable<ProjectRecord> {
  constructor(db: Db) {
    super(db, 'projects', COLUMNS);
  }

  list(): ProjectRecord[] {
    return this.where('1');
  }

  rename(id: string, name: string, now: number): boolean {
    return this.update(id, { name, updatedAt: now });
  }

  setStatus(id: string, status: ProjectStatus, reason: string | null, now: number): boolean {
    return this.update(id, { status, statusReason: reason, updatedAt: now });
  }
}
