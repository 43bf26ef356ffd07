// Byte-identical files across all folders, found by their sha256: a copy in both train and test, or
// twice in one domain, skews training without any error to show for it.
import type { FileFacts } from './file-facts.js';
import type { HealthReport } from './health-report.js';
import { comparePaths } from './scan.js';

/** Groups of two or more identical files, each group and the list in path order. */
export function findDuplicates(facts: FileFacts[]): HealthReport['duplicates'] {
  const groups = new Map<string, string[]>();
  for (const f of facts) if (f.sha256) groups.set(f.sha256, [...(groups.get(f.sha256) ?? []), f.path]);
  return [...groups]
    .filter(([, paths]) => paths.length > 1)
    .map(([sha256, paths]) => ({ sha256, paths: paths.sort(comparePaths) }))
    .sort((a, b) => comparePaths(a.paths[0]!, b.paths[0]!));
}
