import { describe, expect, it } from 'vitest';
import { emptyState, projectList, reduceEvent, type StudioState } from '../../renderer/src/lib/stores/studio-state.js';
import type { StudioEvent } from '../../main/api/events.js';
import { project, runSummary } from './helpers/fixtures.js';

const reduce = (events: StudioEvent[], s: StudioState = emptyState()) => events.reduce(reduceEvent, s);

describe('studio state: snapshot then deltas', () => {
  const p1 = project();
  const p2 = project({ id: 'p_second01', name: 'horses', kind: 'unpaired', layout: 'unpaired', updatedAt: 1_700_000_100_000 });
  const run = runSummary();
  const snapshot: StudioEvent = {
    event: 'snapshot',
    data: {
      projects: [p1, p2],
      activeRuns: [run],
      progress: {
        [run.id]: {
          epoch: 1,
          lastEpoch: 10,
          epochIter: 5,
          epochSize: 100,
          totalIters: 5,
          secondsPerIter: 0.2,
          speedBasis: 'measured',
          etaSeconds: 199,
        },
      },
      jobs: [],
    },
  };

  it('builds the state from a snapshot', () => {
    const s = reduce([snapshot]);
    expect(s.ready).toBe(true);
    expect(s.epoch).toBe(1);
    expect(Object.keys(s.projects)).toEqual([p1.id, p2.id]);
    expect(s.runs[run.id]?.status).toBe('running');
    expect(s.progress[run.id]?.epochIter).toBe(5);
    expect(projectList(s).map((p) => p.name)).toEqual(['horses', 'facades']);
  });

  it('applies deltas in order', () => {
    const s = reduce([
      snapshot,
      {
        event: 'run.progress',
        data: {
          runId: run.id,
          progress: {
            epoch: 1,
            lastEpoch: 10,
            epochIter: 6,
            epochSize: 100,
            totalIters: 6,
            secondsPerIter: 0.2,
            speedBasis: 'measured',
            etaSeconds: 198,
          },
        },
      },
      { event: 'run.changed', data: { run: { ...run, status: 'paused' } } },
      { event: 'project.changed', data: { project: { ...p1, name: 'facades v2' } } },
      {
        event: 'dataset.changed',
        data: {
          projectId: p1.id,
          added: 3,
          changed: 0,
          removed: 1,
          total: 802,
          unreadable: 3,
          health: { usable: 398, unreadableTotal: 3 },
        },
      },
      { event: 'run.sample', data: { runId: run.id, sample: { runId: run.id, iteration: 400, url: '/files/x/runs/a.png', createdAt: 1 } } },
      {
        event: 'run.sample',
        data: { runId: run.id, sample: { runId: run.id, iteration: 200, url: '/files/x/runs/old.png', createdAt: 0 } },
      },
      { event: 'run.log', data: { runId: run.id, level: 'warn', line: 'slow disk', at: 5 } },
      {
        event: 'job.state',
        data: { id: 'j1', kind: 'train', runId: run.id, exportId: null, modelExportId: null, state: 'paused', reason: null },
      },
    ]);
    expect(s.progress[run.id]?.epochIter).toBe(6);
    expect(s.runs[run.id]?.status).toBe('paused');
    expect(s.projects[p1.id]?.name).toBe('facades v2');
    expect(s.projects[p1.id]?.counts).toEqual({ files: 802, unreadable: 3 });
    expect(s.datasets[p1.id]).toEqual({ total: 802, unreadable: 3, usable: 398, revision: 1 });
    expect(s.latestSample[run.id]?.iteration).toBe(400); // an older sample arriving late does not win
    expect(s.logs[run.id]).toEqual([{ level: 'warn', line: 'slow disk', at: 5 }]);
    expect(s.jobs.j1?.state).toBe('paused');
  });

  it('a project deletion drops its runs', () => {
    const s = reduce([snapshot, { event: 'project.deleted', data: { projectId: p1.id } }]);
    expect(s.projects[p1.id]).toBeUndefined();
    expect(s.runs[run.id]).toBeUndefined();
    expect(s.projects[p2.id]).toBeDefined();
  });

  it('a new snapshot (reconnect) replaces projects, progress and jobs and bumps the epoch', () => {
    const before = reduce([
      snapshot,
      {
        event: 'export.changed',
        data: {
          export: {
            id: 'e_export01',
            projectId: p1.id,
            runId: run.id,
            checkpointId: 1,
            inputDir: '/in',
            outputDir: '/out',
            format: 'png',
            tile: 0,
            direction: 'AtoB',
            status: 'running',
            statusReason: null,
            done: 1,
            total: 10,
            failed: 0,
            createdAt: 0,
            endedAt: null,
          },
        },
      },
    ]);
    const after = reduceEvent(before, { event: 'snapshot', data: { projects: [p2], activeRuns: [], progress: {}, jobs: [] } });
    expect(after.epoch).toBe(2);
    expect(Object.keys(after.projects)).toEqual([p2.id]);
    expect(after.progress).toEqual({});
    expect(after.runs[run.id]).toBeDefined(); // known runs stay (views refetch on a new epoch)
    expect(after.exports.e_export01?.done).toBe(1);
  });

  it('keeps the log bounded', () => {
    let s = reduce([snapshot]);
    for (let i = 0; i < 500; i++) s = reduceEvent(s, { event: 'run.log', data: { runId: run.id, level: 'info', line: `l${i}`, at: i } });
    expect(s.logs[run.id]).toHaveLength(200);
    expect(s.logs[run.id]?.at(-1)?.line).toBe('l499');
  });

  it('is pure: the previous state is not modified', () => {
    const s1 = reduce([snapshot]);
    const copy = structuredClone(s1);
    reduceEvent(s1, { event: 'run.changed', data: { run: { ...run, status: 'finished' } } });
    expect(s1).toEqual(copy);
  });
});
