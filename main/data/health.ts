// A dataset check-up before training: what is in the folders, what will be ignored, what cannot be
// read and why, and what looks suspicious (duplicates, tiny images, unmatched pairs). The report is
// plain JSON so the studio can show it and a run can store it next to its checkpoints.
import { createHash } from 'node:crypto';
import { relative } from 'node:path';
import { mapWithConcurrency } from './concurrency.js';
import { DatasetError, ImageReadError, type ImageReadReason } from './errors.js';
import { readSourceBytes, verifyDecodes, type ImageInfo } from './image-read.js';
import { describeLayout, layoutFolders, type DatasetLayout, type LayoutFolderRole } from './layout.js';
import { comparePaths, scanImageFolder, type FolderScan } from './scan.js';

export interface Size {
  width: number;
  height: number;
}

export interface UnreadableFile {
  path: string;
  reason: ImageReadReason;
  /** What is wrong and what to do. */
  message: string;
}

export interface FolderHealth {
  dir: string;
  /** AB: side-by-side pairs (sizes below are of one half); A/B: one domain; images: a plain folder. */
  role: LayoutFolderRole;
  /** Image files (by extension). */
  files: number;
  readable: number;
  /** Non-image files that are ignored, by extension. */
  otherFiles: Record<string, number>;
  /** Per-dimension min / median / max over readable images, and how many distinct sizes. */
  sizes: { min: Size; median: Size; max: Size; distinct: number } | null;
  /** width / height; `differing` counts images more than 1% away from the median ratio. */
  aspectRatios: { min: number; median: number; max: number; differing: number } | null;
  /** gray, gray+alpha, rgb, rgba, cmyk → count. */
  channels: Record<string, number>;
  /** "8" / "16" → count. */
  bitDepths: Record<string, number>;
  formats: Record<string, number>;
  /** Images with transparency; Tandem composites them on white. */
  withAlpha: string[];
  /** Images with an EXIF orientation other than upright; Tandem rotates them upright. */
  exifRotated: string[];
  /** Readable images smaller than the crop in either dimension (they get upscaled or padded). */
  tiny: Array<{ path: string } & Size>;
  /** AB only: odd widths, whose last column belongs to neither half and is dropped. */
  oddWidth: string[];
  unreadable: UnreadableFile[];
}

export interface HealthReport {
  version: 1;
  layout: { kind: DatasetLayout['kind']; description: string } | null;
  cropSize: number;
  folders: FolderHealth[];
  /** Groups of byte-identical files (sha256), across all folders. */
  duplicates: Array<{ sha256: string; paths: string[] }>;
  /** Paired folders: files with no partner of the same name. */
  unmatched: { A: string[]; B: string[] } | null;
  /** Paired folders: pairs whose A and B differ in size (B is resized to A's size for training). */
  pairSizeMismatches: Array<{ a: string; b: string; sizeA: Size; sizeB: Size }>;
  totals: {
    files: number;
    readable: number;
    unreadable: number;
    /** What training can actually use: readable aligned files, pairs with both sides readable, … */
    usable: number;
  };
}

export interface HealthOptions {
  /** The crop size to compare against (tiny images); default 256. */
  cropSize?: number;
  /** Files inspected at once; default 4 (sharp's thread pool size). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

interface FileFacts {
  path: string;
  ok: boolean;
  sha256: string | null;
  width: number;
  height: number;
  info: ImageInfo | null;
  error: ImageReadError | null;
}

/** Inspects plain folders of images (each one's role is "images"). */
export async function inspectFolders(paths: string[], opts: HealthOptions = {}): Promise<HealthReport> {
  const scans = await Promise.all(paths.map((p) => scanImageFolder(p)));
  return buildReport(
    scans.map((scan) => ({ scan, role: 'images' as const, files: scan.images })),
    null,
    opts,
  );
}

/** Inspects the folders a layout reads, plus its unmatched pairs. */
export async function inspectDataset(layout: DatasetLayout, opts: HealthOptions = {}): Promise<HealthReport> {
  const folders = await Promise.all(
    layoutFolders(layout).map(async (f) => ({ scan: await scanImageFolder(f.dir), role: f.role, files: f.files })),
  );
  return buildReport(folders, layout, opts);
}

async function buildReport(
  folders: Array<{ scan: FolderScan; role: LayoutFolderRole; files: string[] }>,
  layout: DatasetLayout | null,
  opts: HealthOptions,
): Promise<HealthReport> {
  const cropSize = opts.cropSize ?? 256;
  const all = [...new Set(folders.flatMap((f) => f.files))];
  let done = 0;
  const facts = await mapWithConcurrency(all, opts.concurrency ?? 4, async (path) => {
    const f = await inspectFile(path);
    opts.onProgress?.(++done, all.length);
    return f;
  });
  const byPath = new Map(facts.map((f) => [f.path, f]));

  const folderReports = folders.map(({ scan, role, files }) =>
    summariseFolder(
      scan,
      role,
      files.map((p) => byPath.get(p)!),
      cropSize,
    ),
  );

  const groups = new Map<string, string[]>();
  for (const f of facts) if (f.sha256) groups.set(f.sha256, [...(groups.get(f.sha256) ?? []), f.path]);
  const duplicates = [...groups]
    .filter(([, paths]) => paths.length > 1)
    .map(([sha256, paths]) => ({ sha256, paths: paths.sort(comparePaths) }))
    .sort((a, b) => comparePaths(a.paths[0]!, b.paths[0]!));

  let unmatched: HealthReport['unmatched'] = null;
  const pairSizeMismatches: HealthReport['pairSizeMismatches'] = [];
  let usable: number;
  const readable = (p: string) => byPath.get(p)?.ok === true;
  if (layout?.kind === 'paired-folders') {
    unmatched = { A: layout.unmatchedA, B: layout.unmatchedB };
    usable = 0;
    for (const pair of layout.pairs) {
      const a = byPath.get(pair.a)!;
      const b = byPath.get(pair.b)!;
      if (!a.ok || !b.ok) continue;
      usable++;
      if (a.width !== b.width || a.height !== b.height) {
        pairSizeMismatches.push({
          a: pair.a,
          b: pair.b,
          sizeA: { width: a.width, height: a.height },
          sizeB: { width: b.width, height: b.height },
        });
      }
    }
  } else if (layout?.kind === 'unpaired') {
    const nA = layout.filesA.filter(readable).length;
    const nB = layout.filesB.filter(readable).length;
    usable = nA > 0 && nB > 0 ? Math.max(nA, nB) : 0;
  } else {
    usable = facts.filter((f) => f.ok).length;
  }

  const unreadableCount = facts.filter((f) => !f.ok).length;
  return {
    version: 1,
    layout: layout ? { kind: layout.kind, description: describeLayout(layout) } : null,
    cropSize,
    folders: folderReports,
    duplicates,
    unmatched,
    pairSizeMismatches,
    totals: { files: facts.length, readable: facts.length - unreadableCount, unreadable: unreadableCount, usable },
  };
}

async function inspectFile(path: string): Promise<FileFacts> {
  const failed = (error: ImageReadError, sha256: string | null = null): FileFacts => ({
    path,
    ok: false,
    sha256,
    width: 0,
    height: 0,
    info: null,
    error,
  });
  let bytes: Buffer;
  try {
    bytes = (await readSourceBytes(path)).bytes;
  } catch (e) {
    return failed(asReadError(path, e));
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    // The header alone passes truncated files; verifyDecodes reads all the pixel data.
    const header = await verifyDecodes({ bytes, label: path });
    return { path, ok: true, sha256, width: header.width, height: header.height, info: header.info, error: null };
  } catch (e) {
    return failed(asReadError(path, e), sha256);
  }
}

function asReadError(path: string, e: unknown): ImageReadError {
  return e instanceof ImageReadError ? e : new ImageReadError(path, 'unreadable', (e as Error)?.message ?? String(e), { cause: e });
}

function channelLabel(info: ImageInfo): string {
  switch (info.sourceChannels) {
    case 1:
      return 'gray';
    case 2:
      return 'gray+alpha';
    case 3:
      return 'rgb';
    case 4:
      return info.hadAlpha ? 'rgba' : 'cmyk';
    default:
      return `${info.sourceChannels} channels`;
  }
}

function count(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

function median(sorted: number[]): number {
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function summariseFolder(scan: FolderScan, role: LayoutFolderRole, facts: FileFacts[], cropSize: number): FolderHealth {
  const h: FolderHealth = {
    dir: scan.dir,
    role,
    files: facts.length,
    readable: 0,
    otherFiles: scan.otherFiles,
    sizes: null,
    aspectRatios: null,
    channels: {},
    bitDepths: {},
    formats: {},
    withAlpha: [],
    exifRotated: [],
    tiny: [],
    oddWidth: [],
    unreadable: [],
  };
  const sizes: Size[] = [];
  for (const f of facts) {
    if (!f.ok || !f.info) {
      const err = f.error!;
      h.unreadable.push({ path: f.path, reason: err.reason, message: err.detail });
      continue;
    }
    h.readable++;
    // A side-by-side file is two images; what gets cropped is one half.
    const size = role === 'AB' ? { width: Math.floor(f.width / 2), height: f.height } : { width: f.width, height: f.height };
    if (role === 'AB' && f.width % 2 === 1) h.oddWidth.push(f.path);
    sizes.push(size);
    count(h.channels, channelLabel(f.info));
    count(h.bitDepths, String(f.info.bitDepth));
    count(h.formats, f.info.format);
    if (f.info.hadAlpha) h.withAlpha.push(f.path);
    if (f.info.exifOrientation !== null && f.info.exifOrientation !== 1) h.exifRotated.push(f.path);
    if (size.width < cropSize || size.height < cropSize) h.tiny.push({ path: f.path, ...size });
  }
  if (sizes.length) {
    const ws = sizes.map((s) => s.width).sort((a, b) => a - b);
    const hs = sizes.map((s) => s.height).sort((a, b) => a - b);
    h.sizes = {
      min: { width: ws[0]!, height: hs[0]! },
      median: { width: median(ws), height: median(hs) },
      max: { width: ws[ws.length - 1]!, height: hs[hs.length - 1]! },
      distinct: new Set(sizes.map((s) => `${s.width}x${s.height}`)).size,
    };
    const ratios = sizes.map((s) => s.width / Math.max(1, s.height)).sort((a, b) => a - b);
    const mid = median(ratios);
    const round3 = (x: number) => Math.round(x * 1000) / 1000;
    h.aspectRatios = {
      min: round3(ratios[0]!),
      median: round3(mid),
      max: round3(ratios[ratios.length - 1]!),
      differing: ratios.filter((r) => Math.abs(r / mid - 1) > 0.01).length,
    };
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// For people

const SHOW = 5;

function listSome<T>(items: T[], show: (item: T) => string): string {
  const head = items.slice(0, SHOW).map(show).join(', ');
  return items.length > SHOW ? `${head}, … and ${items.length - SHOW} more` : head;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function countsLine(map: Record<string, number>): string {
  return Object.entries(map)
    .sort((a, b) => b[1] - a[1] || comparePaths(a[0], b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

const ROLE_NAMES: Record<LayoutFolderRole, string> = { AB: 'side-by-side A|B', A: 'A', B: 'B', images: 'images' };

/** A readable multi-line summary for the terminal; problems are marked with "!". */
export function formatHealthReport(report: HealthReport): string {
  const lines: string[] = [];
  if (report.layout) lines.push(`Dataset: ${report.layout.description}`);
  for (const f of report.folders) {
    const rel = (p: string) => relative(f.dir, p) || p;
    const readable = f.readable === f.files ? (f.files ? 'all readable' : '') : `${f.readable} readable`;
    lines.push(`${f.dir} (${ROLE_NAMES[f.role]}): ${plural(f.files, 'image')}${readable ? `, ${readable}` : ''}`);
    if (f.sizes) {
      const s = f.sizes;
      const what = f.role === 'AB' ? 'size of each half' : 'size';
      lines.push(
        s.distinct === 1
          ? `    ${what}: ${s.min.width}×${s.min.height} (all the same)`
          : `    ${what}: min ${s.min.width}×${s.min.height}, median ${s.median.width}×${s.median.height}, max ${s.max.width}×${s.max.height} (${s.distinct} different sizes)`,
      );
    }
    if (f.aspectRatios) {
      const a = f.aspectRatios;
      lines.push(
        a.differing === 0
          ? `    aspect ratio: ${a.median.toFixed(3)}${a.min === a.max ? ' (all the same)' : ` (${a.min.toFixed(3)}–${a.max.toFixed(3)})`}`
          : `    aspect ratio: median ${a.median.toFixed(3)}, range ${a.min.toFixed(3)}–${a.max.toFixed(3)}; ${plural(a.differing, 'image')} differ from the median by more than 1%`,
      );
    }
    if (f.readable) {
      lines.push(`    colour: ${countsLine(f.channels)} · bit depth: ${countsLine(f.bitDepths)} · format: ${countsLine(f.formats)}`);
    }
    if (f.unreadable.length) {
      lines.push(`  ! ${plural(f.unreadable.length, 'file')} cannot be read and will be skipped:`);
      for (const u of f.unreadable.slice(0, SHOW)) lines.push(`      ${rel(u.path)} — ${u.reason}: ${u.message}`);
      if (f.unreadable.length > SHOW) lines.push(`      … and ${f.unreadable.length - SHOW} more`);
    }
    if (f.withAlpha.length)
      lines.push(`  ! ${plural(f.withAlpha.length, 'image')} with transparency, composited on white: ${listSome(f.withAlpha, rel)}`);
    if (f.exifRotated.length)
      lines.push(`    ${plural(f.exifRotated.length, 'image')} rotated upright from EXIF orientation: ${listSome(f.exifRotated, rel)}`);
    if (f.tiny.length) {
      lines.push(
        `  ! ${plural(f.tiny.length, 'image')} smaller than the ${report.cropSize}-pixel crop (upscaled or padded, so blurry): ${listSome(f.tiny, (t) => `${rel(t.path)} ${t.width}×${t.height}`)}`,
      );
    }
    if (f.oddWidth.length)
      lines.push(
        `    ${plural(f.oddWidth.length, 'image')} of odd width; the last column belongs to neither half and is dropped: ${listSome(f.oddWidth, rel)}`,
      );
    const others = Object.values(f.otherFiles).reduce((a, b) => a + b, 0);
    if (others) lines.push(`    ${plural(others, 'other file')} ignored (${Object.keys(f.otherFiles).sort(comparePaths).join(', ')})`);
  }
  if (report.unmatched) {
    const { A, B } = report.unmatched;
    if (A.length) lines.push(`! ${plural(A.length, 'A image')} without a B image of the same name: ${listSome(A, (p) => p)}`);
    if (B.length) lines.push(`! ${plural(B.length, 'B image')} without an A image of the same name: ${listSome(B, (p) => p)}`);
  }
  if (report.pairSizeMismatches.length) {
    lines.push(
      `! ${plural(report.pairSizeMismatches.length, 'pair')} where A and B differ in size (B is resized to A's size): ${listSome(report.pairSizeMismatches, (m) => `${m.a} ${m.sizeA.width}×${m.sizeA.height} vs ${m.sizeB.width}×${m.sizeB.height}`)}`,
    );
  }
  if (report.duplicates.length) {
    const extra = report.duplicates.reduce((n, g) => n + g.paths.length - 1, 0);
    lines.push(`! ${plural(report.duplicates.length, 'group')} of identical files (${plural(extra, 'extra copy', 'extra copies')}):`);
    for (const g of report.duplicates.slice(0, SHOW)) lines.push(`      ${g.paths.join(' = ')}`);
    if (report.duplicates.length > SHOW) lines.push(`      … and ${report.duplicates.length - SHOW} more groups`);
  }
  const t = report.totals;
  const unit = report.layout?.kind === 'paired-folders' ? 'pairs' : report.layout?.kind === 'unpaired' ? 'items per epoch' : 'images';
  lines.push(
    t.usable > 0
      ? `Usable for training: ${t.usable} ${unit}${t.unreadable ? ` (${plural(t.unreadable, 'unreadable file')} skipped)` : ''}.`
      : `! Nothing usable: ${trainabilityProblem(report) ?? 'no readable images'}.`,
  );
  return lines.join('\n');
}

function trainabilityProblem(report: HealthReport): string | null {
  if (report.folders.length === 0) return 'no folders were inspected';
  for (const f of report.folders) {
    const name = `${ROLE_NAMES[f.role]} folder ${f.dir}`;
    if (f.files === 0) return `the ${name} has no images; add .jpg, .png, .webp, .tif or .gif files`;
    if (f.readable === 0) {
      const first = f.unreadable[0];
      const example = first ? ` (e.g. ${relative(f.dir, first.path)}: ${first.message})` : '';
      return `none of the ${plural(f.files, 'image')} in the ${name} can be read${example}; replace them with working image files`;
    }
  }
  if (report.totals.usable === 0) {
    return report.layout?.kind === 'paired-folders'
      ? 'no pair has both its A and B image readable; fix the unreadable files listed above'
      : 'no readable images';
  }
  return null;
}

/** Throws a DatasetError saying what to fix when training would have nothing to learn from. */
export function assertTrainable(report: HealthReport): void {
  const problem = trainabilityProblem(report);
  if (problem) {
    const code = report.totals.files === 0 ? 'empty-folder' : 'all-unreadable';
    throw new DatasetError(code, `Cannot train on this dataset: ${problem}.`);
  }
}
