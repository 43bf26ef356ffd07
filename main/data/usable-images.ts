// How much of a dataset training can actually use, which depends on its layout: a pair needs both
// sides readable, an unpaired epoch is as long as its larger domain (and needs both), a plain folder
// counts its readable images. Paired folders also report their unmatched files and size mismatches.
import type { FileFacts } from './file-facts.js';
import type { HealthReport } from './health-report.js';
import type { DatasetLayout } from './layout.js';

export type UsableImages = Pick<HealthReport, 'unmatched' | 'pairSizeMismatches'> & { usable: number };

export function usableImages(layout: DatasetLayout | null, facts: FileFacts[]): UsableImages {
  const byPath = new Map(facts.map((f) => [f.path, f]));
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
  return { unmatched, pairSizeMismatches, usable };
}
