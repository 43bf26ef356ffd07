// Metrics are written in batched transactions; this measures the rate on a real file.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../main/api/entities.js';
import { Store } from '../../../main/store/store.js';
import { tempDir } from '../studio/helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let store: Store;
beforeEach(async () => {
  tmp = await tempDir('tandem-metrics-');
  store = Store.open(join(tmp.dir, 'tandem.db'));
  const now = Date.now();
  store.projects.insert({
    id: 'p_aaaaaaaa',
    name: 'p',
    kind: 'unpaired',
    layout: 'unpaired',
    folderA: '/a',
    folderB: '/b',
    artifactDir: '/d',
    status: 'ready',
    statusReason: null,
    createdAt: now,
    updatedAt: now,
  });
  store.db
    .prepare(
      `INSERT INTO runs (id, project_id, name, model, options_json, schedule_json, backend, status, run_dir, last_epoch, created_at) VALUES ('r_aaaaaaaa', 'p_aaaaaaaa', 'r', 'cyclegan', '{}', '{}', 'auto', 'running', '/r', 200, 0)`,
    )
    .run();
});
afterEach(async () => {
  store.close();
  await tmp.cleanup();
});

const point = (i: number): MetricPoint => ({
  iteration: i,
  epoch: 1 + Math.floor(i / 1000),
  losses: { D_A: 0.25, G_A: 0.9, cycle_A: 1.2, idt_A: 0.6, D_B: 0.24, G_B: 0.8, cycle_B: 1.1, idt_B: 0.55 },
  lr: 0.0002,
  seconds: 0.05,
});

describe('metrics writer', () => {
  it('writes points in batches and reports the rate', async () => {
    const N = 50_000;
    const t0 = performance.now();
    for (let i = 1; i <= N; i++) store.metricsWriter.add('r_aaaaaaaa', point(i));
    store.metricsWriter.flush();
    const seconds = (performance.now() - t0) / 1000;
    expect(store.metrics.count('r_aaaaaaaa')).toBe(N);
    console.log(`metrics write rate: ${Math.round(N / seconds)} rows/s (${N} CycleGAN points, batches of 500, WAL, synchronous=NORMAL)`);

    const t1 = performance.now();
    const all = store.metrics.list('r_aaaaaaaa');
    console.log(`metrics read: ${N} points in ${Math.round(performance.now() - t1)} ms`);
    expect(all[N - 1]!.iteration).toBe(N);
  });

  it('flushes a partial batch after a short delay, and replaces a repeated iteration', async () => {
    store.metricsWriter.add('r_aaaaaaaa', point(1));
    expect(store.metrics.count('r_aaaaaaaa')).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(store.metrics.count('r_aaaaaaaa')).toBe(1);
    store.metricsWriter.add('r_aaaaaaaa', { ...point(1), lr: 0.0001 });
    store.metricsWriter.flushRun('r_aaaaaaaa');
    expect(store.metrics.list('r_aaaaaaaa')).toEqual([expect.objectContaining({ iteration: 1, lr: 0.0001 })]);
    expect(store.metrics.deleteAfter('r_aaaaaaaa', 0)).toBe(1);
  });

  it('drops points of a run that no longer exists without throwing', () => {
    store.metricsWriter.add('r_gone', point(1));
    expect(() => store.metricsWriter.flush()).not.toThrow();
    expect(store.metrics.count('r_gone')).toBe(0);
  });
});
