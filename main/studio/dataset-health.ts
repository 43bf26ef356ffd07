// The health summary of a project's data, computed from the index alone (no disk reads), so it is
// instant and can be recomputed after every change. main/data's inspectDataset is the deeper
// check (EXIF, alpha, bit depths) that a training job runs before it starts.
import type { DatasetHealth, FolderRole, SizeStats } from '../api/entities.js';
import type { IndexedFile } from '../store/dataset-index.js';
import type { ProjectRecord } from '../store/projects.js';

const SHOW = 50;

/** The pairing key of a two-folder project: the path without its extension ("a/cat.jpg" ↔ "a/cat.png"). */
export function stem(relPath: string): string {
  const dot = relPath.lastIndexOf('.');
  return dot > relPath.lastIndexOf('/') ? relPath.slice(0, dot) : relPath;
}

function sizeStats(files: IndexedFile[]): SizeStats | null {
  const ok = files.filter((f) => f.status === 'ok' && f.width !== null && f.height !== null);
  if (ok.length === 0) return null;
  const ws = ok.map((f) => f.width!);
  const hs = ok.map((f) => f.height!);
  return {
    min: { width: Math.min(...ws), height: Math.min(...hs) },
    max: { width: Math.max(...ws), height: Math.max(...hs) },
    distinct: new Set(ok.map((f) => `${f.width}x${f.height}`)).size,
  };
}

export function projectFolders(p: ProjectRecord): Array<{ role: FolderRole; dir: string }> {
  if (p.layout === 'aligned') return [{ role: 'AB', dir: p.folderA }];
  return [
    { role: 'A', dir: p.folderA },
    { role: 'B', dir: p.folderB! },
  ];
}

export function datasetHealth(p: ProjectRecord, files: IndexedFile[], present: (role: FolderRole) => boolean): DatasetHealth {
  const byRole = new Map<FolderRole, IndexedFile[]>();
  for (const f of files) byRole.set(f.role, [...(byRole.get(f.role) ?? []), f]);
  const folders = projectFolders(p).map(({ role, dir }) => {
    const list = byRole.get(role) ?? [];
    return {
      role,
      path: dir,
      present: present(role),
      files: list.length,
      readable: list.filter((f) => f.status === 'ok').length,
      sizes: sizeStats(list),
    };
  });
  const unreadableAll = files.filter((f) => f.status === 'unreadable');

  const groups = new Map<string, IndexedFile[]>();
  for (const f of files) if (f.contentHash) groups.set(f.contentHash, [...(groups.get(f.contentHash) ?? []), f]);
  const duplicates = [...groups]
    .filter(([, g]) => g.length > 1)
    .slice(0, SHOW)
    .map(([contentHash, g]) => ({ contentHash, files: g.map((f) => ({ role: f.role, relPath: f.relPath })) }));

  let unmatched: DatasetHealth['unmatched'] = null;
  let usable: number;
  const readable = (role: FolderRole) => (byRole.get(role) ?? []).filter((f) => f.status === 'ok');
  if (p.layout === 'paired-folders') {
    const a = new Map(readable('A').map((f) => [stem(f.relPath), f]));
    const b = new Map(readable('B').map((f) => [stem(f.relPath), f]));
    const allA = new Set((byRole.get('A') ?? []).map((f) => stem(f.relPath)));
    const allB = new Set((byRole.get('B') ?? []).map((f) => stem(f.relPath)));
    unmatched = { A: [...allA].filter((k) => !allB.has(k)).slice(0, SHOW), B: [...allB].filter((k) => !allA.has(k)).slice(0, SHOW) };
    usable = [...a.keys()].filter((k) => b.has(k)).length;
  } else if (p.layout === 'unpaired') {
    const nA = readable('A').length;
    const nB = readable('B').length;
    usable = nA > 0 && nB > 0 ? Math.max(nA, nB) : 0;
  } else {
    usable = readable('AB').length;
  }

  const problems: string[] = [];
  for (const f of folders) {
    if (!f.present) problems.push(`The ${f.role} folder ${f.path} is missing.`);
    else if (f.files === 0) problems.push(`The ${f.role} folder ${f.path} has no images yet.`);
  }
  if (unreadableAll.length)
    problems.push(`${unreadableAll.length} file${unreadableAll.length === 1 ? '' : 's'} cannot be read and will be skipped.`);
  if (unmatched && (unmatched.A.length || unmatched.B.length)) {
    problems.push(`${unmatched.A.length + unmatched.B.length} image(s) have no partner of the same name in the other folder.`);
  }
  if (duplicates.length) problems.push(`${duplicates.length} group(s) of identical files.`);
  if (usable === 0 && folders.every((f) => f.present)) problems.push('Nothing usable for training yet.');

  return {
    projectId: p.id,
    status: p.status,
    folders,
    unreadable: unreadableAll.slice(0, SHOW).map((f) => ({ role: f.role, relPath: f.relPath, reason: f.reason ?? 'unreadable' })),
    unreadableTotal: unreadableAll.length,
    duplicates,
    unmatched,
    usable,
    problems,
  };
}
