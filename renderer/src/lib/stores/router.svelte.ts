// Hash routes (works from file://, tandem:// and http:// alike, and survives a reload):
// #/p/<project>/<view>[/<run>][/<action>], e.g. #/p/p_1/train/r_2 (fine-tune from r_2),
// #/p/p_1/export/r_2/model (export r_2 as a model), #/p/p_1/runs/import (the import form).
export type View = 'dataset' | 'train' | 'live' | 'runs' | 'export';
export const VIEWS: ReadonlyArray<{ view: View; label: string; key: string }> = [
  { view: 'dataset', label: 'Dataset', key: '2' },
  { view: 'train', label: 'Train', key: '3' },
  { view: 'live', label: 'Live', key: '4' },
  { view: 'runs', label: 'Runs', key: '5' },
  { view: 'export', label: 'Export', key: '6' },
];

/** Words after the view that are actions rather than run ids. */
export type RouteAction = 'import' | 'model';
const ACTIONS: readonly string[] = ['import', 'model'] satisfies RouteAction[];

export type Route =
  | { name: 'projects' }
  | { name: 'new' }
  | { name: 'project'; projectId: string; view: View; runId: string | null; action?: RouteAction | null };

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'new') return { name: 'new' };
  if (parts[0] === 'p' && parts[1]) {
    const view = (VIEWS.find((v) => v.view === parts[2])?.view ?? 'dataset') as View;
    const rest = parts.slice(3);
    const action = (rest.find((p) => ACTIONS.includes(p)) ?? null) as RouteAction | null;
    const runId = rest.find((p) => !ACTIONS.includes(p)) ?? null;
    return { name: 'project', projectId: parts[1], view, runId, ...(action ? { action } : {}) };
  }
  return { name: 'projects' };
}

export function routeHash(r: Route): string {
  if (r.name === 'projects') return '#/';
  if (r.name === 'new') return '#/new';
  return projectHref(r.projectId, r.view, r.runId, r.action ?? null);
}

export function projectHref(projectId: string, view: View, runId: string | null = null, action: RouteAction | null = null): string {
  return `#/p/${encodeURIComponent(projectId)}/${view}${runId ? `/${encodeURIComponent(runId)}` : ''}${action ? `/${action}` : ''}`;
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
