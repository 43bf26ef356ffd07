// A reload in the middle of training: the live view rebuilds from runs.get + runs.metrics +
// runs.samples and merges what arrives meanwhile by event.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../main/api/entities.js';
import { runOptionsSchema, runScheduleSchema } from '../../main/api/run-options.js';
import { RunLive } from '../../renderer/src/lib/stores/run-live.js';
import { FakeClient } from './helpers/fake-client.js';
import { points, runSummary } from './helpers/fixtures.js';

const run: Run = {
  ...runSummary({ totalIters: 120 }),
  options: runOptionsSchema.parse({ model: 'pix2pix' }),
  schedule: runScheduleSchema.parse({}),
  runDir: '/studio/runs/r_run00001',
  progress: {
    epoch: 2,
    lastEpoch: 10,
    epochIter: 20,
    epochSize: 100,
    totalIters: 120,
    secondsPerIter: 0.5,
    speedBasis: 'measured',
    etaSeconds: 440,
  },
};
const sample = (iteration: number) => ({
  runId: run.id,
  iteration,
  url: `/files/p_abcdef12/runs/r_run00001/samples/${iteration}.png`,
  createdAt: iteration,
});

describe('RunLive', () => {
  it('rebuilds from history and merges live events that overlap it', async () => {
    const client = new FakeClient({
      'runs.get': () => run,
      'runs.metrics': (p) => ({
        runId: run.id,
        total: 121,
        lossNames: ['G_GAN', 'G_L1', 'D_real', 'D_fake'],
        points: points((p.afterIteration ?? -1) + 1, 120),
      }),
      'runs.samples': () => [sample(40), sample(80)],
      'checkpoints.list': () => [],
    });
    let changes = 0;
    const live = new RunLive(client, run.id, () => changes++);
    live.start();
    // events racing the history fetch
    client.emit({ event: 'run.metrics', data: { runId: run.id, points: points(118, 125) } });
    client.emit({ event: 'run.metrics', data: { runId: 'r_other0001', points: points(0, 500) } });
    client.emit({ event: 'run.sample', data: { runId: run.id, sample: sample(120) } });
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(live.run?.id).toBe(run.id);
    expect(live.series.iterations).toEqual(Array.from({ length: 126 }, (_, i) => i));
    expect(live.samples.map((s) => s.iteration)).toEqual([40, 80, 120]);
    expect(live.progress?.epochIter).toBe(20);
    expect(changes).toBeGreaterThan(0);

    // Reconnect: a new snapshot makes it fetch only what came after.
    client.emit({ event: 'snapshot', data: { projects: [], activeRuns: [], progress: {}, jobs: [] } });
    await new Promise((r) => setTimeout(r, 0));
    const metricsCalls = client.calls.filter((c) => c.method === 'runs.metrics');
    expect(metricsCalls.at(-1)?.params).toMatchObject({ afterIteration: 125 });

    client.emit({ event: 'run.changed', data: { run: { ...runSummary(), status: 'paused' } } });
    expect(live.run?.status).toBe('paused');
    live.stop();
    client.emit({ event: 'run.metrics', data: { runId: run.id, points: points(200, 201) } });
    expect(live.series.lastIteration).toBe(125);
  });

  it('reports a run that does not exist', async () => {
    const client = new FakeClient({
      'runs.get': () => ({ ok: false, error: { code: 'not-found', message: 'No run r_gone00000.' } }),
      'runs.metrics': () => ({ ok: false, error: { code: 'not-found', message: 'x' } }),
      'runs.samples': () => [],
      'checkpoints.list': () => [],
    });
    const live = new RunLive(client, 'r_gone00000');
    await live.load(false);
    expect(live.error).toBe('No run r_gone00000.');
  });
});
