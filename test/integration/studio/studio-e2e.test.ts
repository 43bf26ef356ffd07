// End to end: the studio with the real job supervisor (child processes training tiny networks on
// wasm), driven over the real WebSocket server, images fetched over HTTP.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finishedExport, runStatus, trainingStudio } from '../../helpers/training-studio.js';
import { until, unwrap } from '../../unit/studio/helpers.js';

const t = trainingStudio('tandem-e2e-', { trainCount: 8, testCount: 2, size: 48 }, { serve: true });

describe('studio with real training jobs', () => {
  it('trains, shows samples, stops with a checkpoint, resumes with numbering intact, and exports', async () => {
    const project = unwrap(
      await t.client.call('projects.create', { name: 'Demo', layout: 'aligned', folder: join(t.demo.paired, 'train') }),
    );
    expect(project.counts.files).toBe(8);
    const run = unwrap(
      await t.client.call('runs.start', {
        projectId: project.id,
        options: { netG: 'resnet_6blocks', ngf: 4, ndf: 4, load_size: 40, crop_size: 32, n_epochs: 100, n_epochs_decay: 0 },
        schedule: { sampleEvery: 4, checkpointEvery: 4, saveEpochFreq: 0, numSamples: 2 },
      }),
    );
    await t.client.waitForEvent(runStatus(run.id, 'running'), 90_000);
    await t.client.waitForEvent(
      (e) => e.event === 'run.checkpoint' && e.data.runId === run.id && e.data.checkpoint.totalIters >= 8,
      90_000,
    );
    unwrap(await t.client.call('runs.stop', { runId: run.id }));
    await t.client.waitForEvent(runStatus(run.id, 'stopped'), 60_000);

    const stopped = unwrap(await t.client.call('runs.get', { runId: run.id }));
    expect(stopped.backendUsed).toMatch(/wasm/);
    expect(stopped.lastCheckpoint).toBe('latest.tandem');
    expect(existsSync(join(stopped.runDir, 'latest.tandem'))).toBe(true);
    const atStop = stopped.totalIters;
    const metrics = unwrap(await t.client.call('runs.metrics', { runId: run.id }));
    expect(metrics.points.map((p) => p.iteration)).toEqual(Array.from({ length: atStop }, (_, i) => i + 1));
    expect(metrics.lossNames).toEqual(expect.arrayContaining(['G_GAN', 'G_L1', 'D_real', 'D_fake']));
    const samples = unwrap(await t.client.call('runs.samples', { runId: run.id }));
    expect(samples.length).toBeGreaterThan(0);
    const image = await fetch(`http://127.0.0.1:${t.server.port}${samples.at(-1)!.url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');

    // Resume: a new child continues from latest.tandem; iterations go on from the checkpoint.
    const ckpt = unwrap(await t.client.call('checkpoints.list', { runId: run.id })).find((c) => c.fileName === 'latest.tandem')!;
    unwrap(await t.client.call('runs.resume', { runId: run.id }));
    await until(
      async () => unwrap(await t.client.call('runs.metrics', { runId: run.id })).total >= ckpt.totalIters + 4,
      90_000,
      'iterations after resuming',
    );
    unwrap(await t.client.call('runs.stop', { runId: run.id }));
    await until(async () => unwrap(await t.client.call('runs.get', { runId: run.id })).status === 'stopped', 60_000, 'stopped again');
    const after = unwrap(await t.client.call('runs.metrics', { runId: run.id }));
    const its = after.points.map((p) => p.iteration);
    expect(its).toEqual(Array.from({ length: its.length }, (_, i) => i + 1));

    // Export the run's latest checkpoint over a folder of plain images.
    const exp = unwrap(await t.client.call('exports.start', { runId: run.id, inputDir: join(t.demo.unpaired, 'testA'), format: 'png' }));
    await finishedExport(() => t.client.call('exports.get', { exportId: exp.id }));
    const files = readdirSync(exp.outputDir);
    expect(files.length).toBe(2);
    const out = await fetch(`http://127.0.0.1:${t.server.port}/files/${project.id}/exports/${exp.id}/${files[0]}`);
    expect(out.status).toBe(200);
  });
});
