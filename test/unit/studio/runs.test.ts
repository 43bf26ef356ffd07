// Runs driven by a scripted job runner: what the studio stores and announces for each child
// message, restart recovery, and resuming from the last checkpoint with iterations intact.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/api/events.js';
import { Store } from '../../../main/store/store.js';
import type { Studio } from '../../../main/studio/studio.js';
import { openStudio, ScriptedJobRunner, tempDir, until, unwrap, writeImages } from './helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let runner: ScriptedJobRunner;
let studio: Studio;
let projectId: string;
const dataDir = () => join(tmp.dir, 'data');

beforeEach(async () => {
  tmp = await tempDir();
  await writeImages(join(tmp.dir, 'A'), ['1.png', '2.png']);
  await writeImages(join(tmp.dir, 'B'), ['1.png', '2.png']);
  runner = new ScriptedJobRunner();
  studio = await openStudio(dataDir(), runner);
  projectId = unwrap(
    await studio.request('projects.create', {
      name: 'p',
      layout: 'paired-folders',
      folderA: join(tmp.dir, 'A'),
      folderB: join(tmp.dir, 'B'),
    }),
  ).id;
});

afterEach(async () => {
  await studio.close();
  await tmp.cleanup();
});

/** Writes a checkpoint file and reports it, as the trainer does. */
async function checkpoint(runDir: string, jobId: string, totalIters: number, reason: 'interval' | 'stopped' = 'interval'): Promise<void> {
  await writeFile(join(runDir, 'latest.tandem'), 'checkpoint');
  runner.send(jobId, {
    type: 'checkpoint',
    file: join(runDir, 'latest.tandem'),
    progress: { epoch: 1, epochIter: totalIters, totalIters },
    reason,
  });
}

describe('runs', () => {
  it('starts with fully resolved options and refuses bad ones, naming the option', async () => {
    const run = unwrap(
      await studio.request('runs.start', {
        projectId,
        name: 'first',
        options: { lr: 0.001, n_epochs: 2, n_epochs_decay: 1 },
        schedule: { sampleEvery: 10 },
      }),
    );
    expect(run.model).toBe('pix2pix');
    expect(run.options).toMatchObject({
      model: 'pix2pix',
      name: 'first',
      lr: 0.001,
      netG: 'unet_256',
      lambda_L1: 100,
      gan_mode: 'vanilla',
    });
    expect(run.schedule).toEqual({ sampleEvery: 10, checkpointEvery: 5000, saveEpochFreq: 5, numSamples: 4 });
    expect(run.lastEpoch).toBe(3);
    expect(run.runDir).toBe(join(dataDir(), 'projects', projectId, 'runs', run.id));
    const spec = runner.jobs.get(runner.lastJobId())!.spec;
    expect(spec).toMatchObject({ kind: 'train', runDir: run.runDir, resume: false, data: { kind: 'paired-folders' } });
    expect(spec).toMatchObject({ schedule: { sampleEvery: 10, checkpointEvery: 5000, saveEpochFreq: 5 }, numSamples: 4 });

    for (const [options, field] of [
      [{ lr: -1 }, 'options.lr'],
      [{ lambda_l1: 5 }, 'options'],
      [{ model: 'cyclegan' }, 'options.model'],
      [{ crop_size: 512 }, 'options.crop_size'],
    ] as const) {
      const r = await studio.request('runs.start', { projectId, options });
      expect(r.ok ? null : r.error).toMatchObject({ code: 'invalid-input', field });
    }
    expect(unwrap(await studio.request('runs.list', { projectId }))).toHaveLength(1);
  });

  it('refuses a network that cannot train on the crop before starting a job, in the user’s terms', async () => {
    const jobsBefore = runner.jobs.size;
    const r = await studio.request('runs.start', { projectId, options: { netG: 'unet_256', crop_size: 32, load_size: 40 } });
    expect(r.ok ? null : r.error).toEqual({
      code: 'invalid-input',
      field: 'options.crop_size',
      message:
        'options.crop_size: unet_256 halves the image 8 times and needs crops of at least 256, not 32: use a crop of 256, or keep 32 with a ResNet generator',
    });
    expect(runner.jobs.size).toBe(jobsBefore);
    expect(unwrap(await studio.request('runs.list', { projectId }))).toEqual([]);
  });

  it('stores metrics, samples and checkpoints as the child reports them, and fans events out', async () => {
    const events: StudioEvent[] = [];
    studio.subscribe((e) => events.push(e));
    const run = unwrap(await studio.request('runs.start', { projectId }));
    const job = runner.lastJobId();
    runner.state(job, 'starting');
    runner.send(job, { type: 'ready', backendLine: 'backend: wasm (SIMD)' });
    runner.state(job, 'running');
    runner.iterations(job, 0, 120);
    await mkdir(join(run.runDir, 'samples'), { recursive: true });
    runner.send(job, { type: 'sample', file: join(run.runDir, 'samples', 'iter_00000100.png'), totalIters: 100 });
    runner.send(job, { type: 'sample', file: '/etc/passwd', totalIters: 101 }); // outside the run: ignored
    await checkpoint(run.runDir, job, 120);

    const got = unwrap(await studio.request('runs.get', { runId: run.id }));
    expect(got).toMatchObject({ status: 'running', backendUsed: 'backend: wasm (SIMD)', totalIters: 120, lastCheckpoint: 'latest.tandem' });
    expect(got.startedAt).not.toBeNull();
    const metrics = unwrap(await studio.request('runs.metrics', { runId: run.id }));
    expect(metrics.total).toBe(120);
    expect(metrics.lossNames).toEqual(['G_GAN', 'G_L1', 'D_real', 'D_fake']);
    expect(metrics.points.map((p) => p.iteration)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    const small = unwrap(await studio.request('runs.metrics', { runId: run.id, maxPoints: 10 }));
    expect(small.points).toHaveLength(10);
    expect(small.points.at(-1)!.iteration).toBe(120);
    expect(unwrap(await studio.request('runs.samples', { runId: run.id }))).toEqual([
      expect.objectContaining({ iteration: 100, url: `/files/${projectId}/runs/${run.id}/samples/iter_00000100.png` }),
    ]);
    expect(unwrap(await studio.request('checkpoints.list', { runId: run.id }))).toEqual([
      expect.objectContaining({ fileName: 'latest.tandem', totalIters: 120, kind: 'latest' }),
    ]);

    // Losses arrive throttled: far fewer events than points, but every point.
    await until(
      () => events.filter((e) => e.event === 'run.metrics').flatMap((e) => (e.event === 'run.metrics' ? e.data.points : [])).length === 120,
      1000,
      'all points as events',
    );
    const metricEvents = events.filter((e) => e.event === 'run.metrics');
    expect(metricEvents.length).toBeLessThan(10);
    expect(events.some((e) => e.event === 'run.sample')).toBe(true);
    expect(events.some((e) => e.event === 'run.checkpoint')).toBe(true);
    expect(events.filter((e) => e.event === 'run.changed').map((e) => (e.event === 'run.changed' ? e.data.run.status : null))).toContain(
      'running',
    );

    // Pause / stop go to the runner; the state changes it reports move the run.
    unwrap(await studio.request('runs.pause', { runId: run.id }));
    runner.state(job, 'paused');
    expect(unwrap(await studio.request('runs.get', { runId: run.id })).status).toBe('paused');
    unwrap(await studio.request('runs.resume', { runId: run.id }));
    runner.state(job, 'running');
    unwrap(await studio.request('runs.stop', { runId: run.id }));
    expect(runner.controls.map((c) => c.action)).toEqual(['pause', 'resume', 'stop']);
    runner.state(job, 'stopping');
    await checkpoint(run.runDir, job, 125, 'stopped');
    runner.trainingFinished(job, true, 125);
    runner.state(job, 'finished');
    const stopped = unwrap(await studio.request('runs.get', { runId: run.id }));
    expect(stopped.status).toBe('stopped');
    const again = await studio.request('runs.stop', { runId: run.id });
    expect(again.ok ? null : again.error.code).toBe('conflict');
  });

  it('marks a run left running by a crash as interrupted, and resumes it from the last checkpoint', async () => {
    const run = unwrap(await studio.request('runs.start', { projectId }));
    const job = runner.lastJobId();
    runner.state(job, 'running');
    runner.iterations(job, 0, 40);
    await checkpoint(run.runDir, job, 30);
    runner.iterations(job, 40, 45); // past the checkpoint: lost with the crash
    // A crash: the process ends without closing anything; only what reached SQLite survives.
    (studio as unknown as { store: Store }).store.metricsWriter.flush();
    await studio.close();
    const crashed = Store.open(join(dataDir(), 'tandem.db'));
    crashed.runs.update(run.id, { status: 'running' });
    crashed.close();

    runner = new ScriptedJobRunner();
    studio = await openStudio(dataDir(), runner);
    expect(studio.recovery.runs).toEqual([run.id]);
    const after = unwrap(await studio.request('runs.get', { runId: run.id }));
    expect(after.status).toBe('interrupted');
    expect(after.statusReason).toMatch(/resume continues from the last checkpoint \(latest\.tandem, image 30\)/);
    expect(unwrap(await studio.request('runs.metrics', { runId: run.id })).total).toBe(45); // the chart reloads complete

    const resumed = unwrap(await studio.request('runs.resume', { runId: run.id }));
    expect(resumed.status).toBe('queued');
    expect(resumed.totalIters).toBe(30);
    const job2 = runner.lastJobId();
    expect(runner.jobs.get(job2)!.spec).toMatchObject({ kind: 'train', resume: true, runDir: run.runDir });
    // Iterations after the checkpoint are dropped and recomputed: numbering continues at 31.
    expect(unwrap(await studio.request('runs.metrics', { runId: run.id })).points.at(-1)!.iteration).toBe(30);
    runner.state(job2, 'running');
    runner.iterations(job2, 30, 50);
    const m = unwrap(await studio.request('runs.metrics', { runId: run.id }));
    expect(m.points.map((p) => p.iteration)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));

    // A child that dies mid-run: interrupted, with the runner's reason.
    runner.state(
      job2,
      'interrupted',
      'the trainer process was killed (SIGKILL) — possibly out of memory; resume continues from the last checkpoint at iteration 30',
    );
    const dead = unwrap(await studio.request('runs.get', { runId: run.id }));
    expect(dead.status).toBe('interrupted');
    expect(dead.statusReason).toMatch(/SIGKILL/);
    expect(dead.totalIters).toBe(50);
  });

  it('refuses to resume a run that never saved a checkpoint, and to delete a project mid-run', async () => {
    const run = unwrap(await studio.request('runs.start', { projectId }));
    const job = runner.lastJobId();
    runner.state(job, 'running');
    const del = await studio.request('projects.delete', { projectId });
    expect(del.ok ? null : del.error.code).toBe('conflict');
    runner.state(job, 'failed', 'out of memory');
    const r = await studio.request('runs.resume', { runId: run.id });
    expect(r.ok ? null : r.error).toMatchObject({ code: 'conflict' });
    expect(unwrap(await studio.request('runs.get', { runId: run.id })).statusReason).toBe('out of memory');
  });

  it('deletes a run that is not working, with its folder and records, and tells subscribers', async () => {
    const run = unwrap(await studio.request('runs.start', { projectId, name: 'doomed' }));
    const job = runner.lastJobId();
    runner.state(job, 'running');
    runner.iterations(job, 0, 3);
    await checkpoint(run.runDir, job, 3);
    const busy = await studio.request('runs.delete', { runId: run.id });
    expect(busy.ok ? null : busy.error.message).toMatch(/"doomed" is running; stop it before deleting it/);
    runner.state(job, 'finished');
    const events: StudioEvent[] = [];
    studio.subscribe((e) => events.push(e));
    expect(unwrap(await studio.request('runs.delete', { runId: run.id }))).toEqual({ runId: run.id, deletedFiles: true });
    expect(events.some((e) => e.event === 'run.deleted' && e.data.runId === run.id && e.data.projectId === projectId)).toBe(true);
    expect(existsSync(run.runDir)).toBe(false);
    expect(unwrap(await studio.request('runs.list', { projectId }))).toEqual([]);
    const gone = await studio.request('runs.get', { runId: run.id });
    expect(gone.ok ? null : gone.error.code).toBe('not-found');
    // The project's folders are untouched.
    expect(unwrap(await studio.request('projects.get', { projectId })).counts.files).toBe(4);
  });
});

describe('imported model names', () => {
  it("names a model after its folder when the file has the reference's generic name", async () => {
    const { defaultImportName } = await import('../../../main/studio/models-service.js');
    expect(defaultImportName('/zoo/horse2zebra_pretrained/latest_net_G.pth')).toBe('horse2zebra');
    expect(defaultImportName('/runs/maps/200_net_G_A.pth')).toBe('maps');
    expect(defaultImportName('/zoo/monet.pth')).toBe('monet');
  });
});
