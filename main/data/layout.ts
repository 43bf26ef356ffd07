// Which images are A, which are B, and which belong together. Understands the reference's folder
// conventions and Tandem's friendlier ones, and says precisely what it looked for when it finds
// nothing.
import { readdir } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { FolderRole } from '../api/entities.js';
import { DatasetError } from './errors.js';
import { assertFolder, comparePaths, isFolder, isImagePath, scanImageFolderStrict } from './scan.js';

export type Phase = 'train' | 'test' | 'val';
export type ModelKind = 'pix2pix' | 'cyclegan';

export interface ImagePair {
  /** The shared name: path relative to its folder, without extension. */
  name: string;
  a: string;
  b: string;
}

export type DatasetLayout =
  /** The reference's pix2pix format: each file holds A (left half) and B (right half) side by side. */
  | { kind: 'aligned'; dir: string; files: string[]; origin: string }
  /** Separate A and B folders whose files pair up by name (extension ignored). */
  | { kind: 'paired-folders'; dirA: string; dirB: string; pairs: ImagePair[]; unmatchedA: string[]; unmatchedB: string[]; origin: string }
  /** CycleGAN: two unrelated collections. */
  | { kind: 'unpaired'; dirA: string; dirB: string; filesA: string[]; filesB: string[]; origin: string }
  /** One folder of images to translate. */
  | { kind: 'single'; dir: string; files: string[]; origin: string };

export type LayoutSpec =
  | { kind: 'detect'; dataroot: string; phase: Phase; model: ModelKind }
  | { kind: 'aligned'; dir: string }
  | { kind: 'paired-folders'; dirA: string; dirB: string }
  | { kind: 'unpaired'; dirA: string; dirB: string }
  | { kind: 'single'; dir: string };

export async function resolveLayout(spec: LayoutSpec): Promise<DatasetLayout> {
  switch (spec.kind) {
    case 'detect':
      return detectLayout(spec);
    case 'aligned':
      return alignedLayout(spec.dir, `side-by-side A|B images in ${resolve(spec.dir)}`);
    case 'paired-folders':
      return pairedLayout(spec.dirA, spec.dirB, `pairs matched by file name between ${resolve(spec.dirA)} and ${resolve(spec.dirB)}`);
    case 'unpaired':
      return unpairedLayout(spec.dirA, spec.dirB, `unpaired images: A from ${resolve(spec.dirA)}, B from ${resolve(spec.dirB)}`);
    case 'single': {
      const scan = await scanImageFolderStrict(spec.dir, 'image folder');
      return { kind: 'single', dir: scan.dir, files: scan.images, origin: `images in ${scan.dir}` };
    }
  }
}

/**
 * Finds the dataset for a phase under `dataroot`, trying in order:
 *
 * pix2pix: <root>/<phase>/A + <root>/<phase>/B (paired by name) · <root>/<phase>/ (side-by-side
 * A|B, the reference) · <root>/<phase>A + <root>/<phase>B (paired by name) · <root>/A + <root>/B ·
 * side-by-side images directly in <root>.
 *
 * cyclegan: <root>/<phase>A + <root>/<phase>B (the reference) · <root>/<phase>/A + <root>/<phase>/B ·
 * <root>/A + <root>/B.
 */
export async function detectLayout(opts: { dataroot: string; phase: Phase; model: ModelKind }): Promise<DatasetLayout> {
  const root = resolve(opts.dataroot);
  await assertFolder(root, 'dataset folder');
  const { phase } = opts;
  const candidates: Array<{ a: string; b: string; label: string }> = [
    { a: join(root, phase, 'A'), b: join(root, phase, 'B'), label: `${phase}/A + ${phase}/B` },
    { a: join(root, `${phase}A`), b: join(root, `${phase}B`), label: `${phase}A + ${phase}B` },
    { a: join(root, 'A'), b: join(root, 'B'), label: 'A + B' },
  ];
  const found: Array<{ a: string; b: string; label: string }> = [];
  for (const c of candidates) if ((await isFolder(c.a)) && (await isFolder(c.b))) found.push(c);
  const phaseDir = join(root, phase);

  if (opts.model === 'pix2pix') {
    const inPhase = found.find((c) => c.label.startsWith(`${phase}/`));
    if (inPhase) return pairedLayout(inPhase.a, inPhase.b, `Tandem paired folders ${inPhase.label} (matched by file name)`);
    if (await isFolder(phaseDir)) return alignedLayout(phaseDir, `reference pix2pix layout: side-by-side A|B images in ${phaseDir}`);
    const other = found[0];
    if (other) return pairedLayout(other.a, other.b, `paired folders ${other.label} (matched by file name)`);
    if ((await directImageCount(root)) > 0) return alignedLayout(root, `side-by-side A|B images in ${root}`);
  } else {
    const ref = found.find((c) => c.label === `${phase}A + ${phase}B`);
    const chosen = ref ?? found[0];
    if (chosen) {
      const origin = ref ? `reference CycleGAN layout ${phase}A + ${phase}B` : `unpaired folders ${chosen.label}`;
      return unpairedLayout(chosen.a, chosen.b, origin);
    }
  }
  throw await noLayoutError(root, opts);
}

async function noLayoutError(root: string, opts: { phase: Phase; model: ModelKind }): Promise<DatasetError> {
  const { phase, model } = opts;
  const expected =
    model === 'pix2pix'
      ? `${join(root, phase)}/ with side-by-side A|B images, or folders ${phase}/A + ${phase}/B, ${phase}A + ${phase}B or A + B with pairs of the same file name`
      : `folders ${join(root, `${phase}A`)} and ${join(root, `${phase}B`)} (or ${phase}/A + ${phase}/B, or A + B)`;
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  const folders = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(comparePaths);
  const files = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).length;
  const parts: string[] = [];
  if (folders.length) parts.push(`folders ${folders.slice(0, 8).join(', ')}${folders.length > 8 ? ', …' : ''}`);
  if (files) parts.push(`${files} file${files === 1 ? '' : 's'}`);
  const seen = parts.length ? parts.join(' and ') : 'nothing';
  let hint = '';
  const half = folders.find((f) => f === `${phase}A` || f === `${phase}B`);
  if (half) hint = ` Found ${half} but not its partner ${half.endsWith('A') ? `${phase}B` : `${phase}A`}.`;
  else if (model === 'cyclegan' && folders.includes(phase))
    hint = ` ${phase}/ looks like pix2pix data (side-by-side pairs); train it with the pix2pix model.`;
  else if (folders.length && !folders.includes(phase)) hint = ` Is the phase right? There is no ${phase} folder.`;
  return new DatasetError('no-layout', `No ${model} ${phase} data in ${root}: expected ${expected}. It holds ${seen}.${hint}`);
}

async function directImageCount(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.') && isImagePath(e.name)).length;
}

async function alignedLayout(dir: string, origin: string): Promise<DatasetLayout> {
  const scan = await scanImageFolderStrict(dir, 'folder of side-by-side A|B images');
  return { kind: 'aligned', dir: scan.dir, files: scan.images, origin };
}

async function unpairedLayout(dirA: string, dirB: string, origin: string): Promise<DatasetLayout> {
  const a = await scanImageFolderStrict(dirA, 'A folder');
  const b = await scanImageFolderStrict(dirB, 'B folder');
  return { kind: 'unpaired', dirA: a.dir, dirB: b.dir, filesA: a.images, filesB: b.images, origin };
}

async function pairedLayout(dirA: string, dirB: string, origin: string): Promise<DatasetLayout> {
  const a = await scanImageFolderStrict(dirA, 'A folder');
  const b = await scanImageFolderStrict(dirB, 'B folder');
  const m = matchPairs(a.dir, a.images, b.dir, b.images);
  if (m.pairs.length === 0) {
    const sample = (files: string[], dir: string) =>
      files
        .slice(0, 3)
        .map((f) => relative(dir, f))
        .join(', ');
    throw new DatasetError(
      'no-pairs',
      `No image in ${a.dir} has a partner of the same name in ${b.dir} (A has e.g. ${sample(a.images, a.dir)}; B has e.g. ${sample(b.images, b.dir)}). Rename the files so each A image and its B image share a name (extensions may differ).`,
    );
  }
  return { kind: 'paired-folders', dirA: a.dir, dirB: b.dir, pairs: m.pairs, unmatchedA: m.unmatchedA, unmatchedB: m.unmatchedB, origin };
}

/** The key two files pair up by: the path below its folder, without the extension. */
export function pairKey(dir: string, file: string): string {
  const rel = relative(dir, file);
  const stem = rel.slice(0, rel.length - extname(rel).length);
  return sep === '\\' ? stem.split(sep).join('/') : stem;
}

/**
 * Pairs files by name without extension ("cat.jpg" ↔ "cat.png"). Every file that finds no partner
 * is listed, including the second of two files that share a name on one side ("cat.jpg" and
 * "cat.png" both in A), which cannot be paired unambiguously.
 */
export function matchPairs(
  dirA: string,
  filesA: readonly string[],
  dirB: string,
  filesB: readonly string[],
): { pairs: ImagePair[]; unmatchedA: string[]; unmatchedB: string[] } {
  const index = (dir: string, files: readonly string[]) => {
    const byKey = new Map<string, string>();
    const extra: string[] = [];
    for (const f of files) {
      const k = pairKey(dir, f);
      if (byKey.has(k)) extra.push(f);
      else byKey.set(k, f);
    }
    return { byKey, extra };
  };
  const a = index(dirA, filesA);
  const b = index(dirB, filesB);
  const pairs: ImagePair[] = [];
  const unmatchedA = [...a.extra];
  for (const [k, fa] of a.byKey) {
    const fb = b.byKey.get(k);
    if (fb) pairs.push({ name: k, a: fa, b: fb });
    else unmatchedA.push(fa);
  }
  const paired = new Set(pairs.map((p) => p.name));
  const unmatchedB = [...b.extra, ...[...b.byKey].filter(([k]) => !paired.has(k)).map(([, f]) => f)];
  pairs.sort((p, q) => comparePaths(p.a, q.a));
  unmatchedA.sort(comparePaths);
  unmatchedB.sort(comparePaths);
  return { pairs, unmatchedA, unmatchedB };
}

/** Every folder a layout reads, with the role its images play. */
/** A layout's folders: a project's roles, and 'images' for a folder of single images (test images). */
export type LayoutFolderRole = FolderRole | 'images';

export function layoutFolders(layout: DatasetLayout): Array<{ dir: string; role: LayoutFolderRole; files: string[] }> {
  switch (layout.kind) {
    case 'aligned':
      return [{ dir: layout.dir, role: 'AB', files: layout.files }];
    case 'paired-folders':
      return [
        { dir: layout.dirA, role: 'A', files: [...layout.pairs.map((p) => p.a), ...layout.unmatchedA].sort(comparePaths) },
        { dir: layout.dirB, role: 'B', files: [...layout.pairs.map((p) => p.b), ...layout.unmatchedB].sort(comparePaths) },
      ];
    case 'unpaired':
      return [
        { dir: layout.dirA, role: 'A', files: layout.filesA },
        { dir: layout.dirB, role: 'B', files: layout.filesB },
      ];
    case 'single':
      return [{ dir: layout.dir, role: 'images', files: layout.files }];
  }
}

/** One line: what was found and where. */
export function describeLayout(layout: DatasetLayout): string {
  switch (layout.kind) {
    case 'aligned':
      return `${layout.files.length} side-by-side A|B images (${layout.origin})`;
    case 'paired-folders': {
      const un = layout.unmatchedA.length + layout.unmatchedB.length;
      return `${layout.pairs.length} pairs (${layout.origin})${un ? `; ${un} file${un === 1 ? '' : 's'} without a partner` : ''}`;
    }
    case 'unpaired':
      return `${layout.filesA.length} A images and ${layout.filesB.length} B images (${layout.origin})`;
    case 'single':
      return `${layout.files.length} images (${layout.origin})`;
  }
}
