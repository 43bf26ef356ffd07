// Mounts the whole studio UI on a fake client at a route, with the answers the Train and Live
// views ask for before anything else, and the project snapshot the service sends first.
import { mount } from 'svelte';
import type { Project, RunProgress } from '../../../main/api/entities.js';
import App from '../../../renderer/src/App.svelte';
import { mounted, settle } from './dom.js';
import { FakeClient, type Handlers } from './fake-client.js';
import { project, wasmBackendInfo } from './fixtures.js';

export const studioHandlers: Handlers = {
  'backend.info': wasmBackendInfo,
  'settings.get': () => ({ backend: 'auto', schedule: { sampleEvery: 400, checkpointEvery: 5000, saveEpochFreq: 5, numSamples: 4 } }),
  'datasets.health': (p) => ({
    projectId: p.projectId,
    status: 'ready',
    folders: [],
    unreadable: [],
    unreadableTotal: 0,
    duplicates: [],
    unmatched: null,
    usable: 200,
    problems: [],
  }),
  'datasets.list': () => ({ total: 0, offset: 0, items: [] }),
  'runs.list': () => [],
  'runs.metrics': (p) => ({ runId: p.runId, total: 0, lossNames: [], points: [] }),
  'runs.samples': () => [],
  'checkpoints.list': () => [],
  'exports.list': () => [],
  'models.exports': () => [],
};

export async function openApp(
  hash: string,
  handlers: Handlers = {},
  projects: Project[] = [project()],
  progress: Record<string, RunProgress> = {},
) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const client = new FakeClient({ ...studioHandlers, ...handlers });
  location.hash = hash;
  mounted.push(mount(App, { target, props: { client } }));
  client.emit({ event: 'snapshot', data: { projects, activeRuns: [], progress, jobs: [] } });
  await settle();
  return { target, client };
}
