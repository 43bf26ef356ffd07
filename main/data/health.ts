// A dataset check-up before training: what is in the folders, what will be ignored, what cannot be
// read and why, and what looks suspicious (duplicates, tiny images, unmatched pairs). The report is
// plain JSON (health-report.ts) so the studio can show it and a run can store it next to its
// checkpoints; health-summary.ts puts it into words.
import { mapWithConcurrency } from './concurrency.js';
import { findDuplicates } from './duplicate-files.js';
import { inspectFile } from './file-facts.js';
import { summariseFolder } from './folder-health.js';
import type { HealthOptions, HealthReport } from './health-report.js';
import { describeLayout, layoutFolders, type DatasetLayout, type LayoutFolderRole } from './layout.js';
import { scanImageFolder, type FolderScan } from './scan.js';
import { usableImages } from './usable-images.js';

export type * from './health-report.js';

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

  const { unmatched, pairSizeMismatches, usable } = usableImages(layout, facts);
  const unreadableCount = facts.filter((f) => !f.ok).length;
  return {
    version: 1,
    layout: layout ? { kind: layout.kind, description: describeLayout(layout) } : null,
    cropSize,
    folders: folderReports,
    duplicates: findDuplicates(facts),
    unmatched,
    pairSizeMismatches,
    totals: { files: facts.length, readable: facts.length - unreadableCount, unreadable: unreadableCount, usable },
  };
}
