// Which file a /files/<projectId>/<root>/<path> URL names, refusing anything outside the project's
// folders: '..' and empty segments, absolute paths, NUL bytes, and symlinks that lead outside (the
// check is on real paths, so a link inside the folder pointing elsewhere is refused too).
import { realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { isImagePath } from '../data/scan.js';
import type { Store } from '../store/store.js';
import { projectFolders } from './dataset-health.js';
import { StudioError } from './studio-error.js';

const forbidden = (why: string) => new StudioError('forbidden-path', why);

function cleanSegments(segments: readonly string[]): string[] {
  if (segments.length === 0) throw forbidden('No file named.');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..') throw forbidden('Paths may not contain empty, "." or ".." parts.');
    if (s.includes('/') || s.includes('\\') || s.includes('\u0000') || /^[A-Za-z]:/.test(s))
      throw forbidden('Invalid characters in the path.');
  }
  return [...segments];
}

/**
 * Resolves decoded URL segments after /files/ to a real file path. Throws StudioError
 * 'forbidden-path' (outside, or not an image) or 'not-found'.
 */
export async function resolveProjectFile(store: Store, segments: readonly string[]): Promise<string> {
  const [projectId, rootName, ...rest] = segments;
  if (!projectId || !rootName) throw forbidden('Expected /files/<project>/<folder>/<path>.');
  const project = store.projects.get(projectId);
  if (!project) throw new StudioError('not-found', `No project ${projectId}.`);
  let root: string | null = null;
  let relSegments = rest;
  if (rootName === 'A' || rootName === 'B' || rootName === 'AB') {
    root = projectFolders(project).find((f) => f.role === rootName)?.dir ?? null;
  } else if (rootName === 'runs') {
    root = join(project.artifactDir, 'runs');
  } else if (rootName === 'exports') {
    const [exportId, ...tail] = rest;
    const e = exportId ? store.exports.get(exportId) : null;
    if (!e || e.projectId !== project.id) throw new StudioError('not-found', `No export ${exportId ?? ''} in this project.`);
    root = e.outputDir;
    relSegments = tail;
  }
  if (!root) throw forbidden(`Unknown folder "${rootName}" (expected A, B, AB, runs or exports).`);
  const clean = cleanSegments(relSegments);
  if (!isImagePath(clean[clean.length - 1]!))
    throw forbidden(`Only images are served (${extname(clean[clean.length - 1]!) || 'no extension'} is not).`);
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await realpath(root);
    realFile = await realpath(join(root, ...clean));
  } catch {
    throw new StudioError('not-found', 'No such file.');
  }
  const rel = relative(realRoot, realFile);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || /^[A-Za-z]:/.test(rel))
    throw forbidden('The path leads outside the project folder.');
  const info = await stat(realFile).catch(() => null);
  if (!info?.isFile()) throw new StudioError('not-found', 'No such file.');
  return realFile;
}
