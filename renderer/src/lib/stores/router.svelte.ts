// Hash routing (works from file://, tandem:// and http:// alike, and survives a reload).
export type View = 'dataset' | 'train' | 'live' | 'runs' | 'export';
export const VIEWS: ReadonlyArray<{ view: View; label: string; key: string }> = [
  { view: 'dataset', label: 'Dataset', key: '2' },
  { view: 'train', label: 'Train', key: '3' },
  { view: 'live', label: 'Live', key: '4' },
  { view: 'runs', label: 'Runs', key: '5' },
  { view: 'export', label: 'Export', key: '6' },
];

export type Route =
  | { name: 'projects' }
  | { name: 'new' }
  | { name: 'project'; projectId: string; view: View; runId: string | null };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'new') return { name: 'new' };
  if (parts[0] === 'p' && parts[1]) {
    const view = (VIEWS.find((v) => v.view === parts[2])?.view ?? 'dataset') as View;
    return { name: 'project', projectId: parts[1], view, runId: parts[3] ?? null };
  }
  return { name: 'projects' };
}

export function routeHash(r: Route): string {
  if (r.name === 'projects') return '#/';
  if (r.name === 'new') return '#/new';
  return `#/p/${encodeURIComponent(r.projectId)}/${r.view}${r.runId ? `/${encodeURIComponent(r.runId)}` : ''}`;
}

export class Router {
  route: Route = $state(parseHash(typeof location === 'undefined' ? '' : location.hash));

  constructor() {
    if (typeof window !== 'undefined') window.addEventListener('hashchange', () => (this.route = parseHash(location.hash)));
  }

  go(r: Route): void {
    const h = routeHash(r);
    if (location.hash !== h) location.hash = h;
    this.route = r;
  }
}
