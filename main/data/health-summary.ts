// A check-up in words for people: the terminal summary, and the error that stops a training which
// would have nothing to learn from. Both name the folder and the file, and say what to fix.
import { relative } from 'node:path';
import { DatasetError } from './errors.js';
import type { HealthReport } from './health-report.js';
import type { LayoutFolderRole } from './layout.js';
import { comparePaths } from './scan.js';

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
