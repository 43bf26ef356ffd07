import { relative, sep } from 'node:path';

/** Whether `child` is `parent` or lies below it (no '..', no other drive). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
}
