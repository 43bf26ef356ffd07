// FastCUT through the studio: an unpaired project trains CUT as well as CycleGAN. The studio with
// the real job supervisor (child processes training a tiny network on wasm), driven over its
// WebSocket API as the Train view drives it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { finishedExport, runStatus, trainingStudio } from '../../helpers/training-studio.js';
import { until, unwrap } from '../../unit/studio/helpers.js';

const t = trainingStudio('tandem-studio-cut-', { trainCount: 6, testCount: 2, size: 48 }, { serve: true });

/** FastCUT shrunk to a test's size: what the Train view sends after the preset and a few changes. */
const tinyFastCut = {
  model: 'cut',
  CUT_mode: 'FastCUT',
  netG: 'resnet_6blocks',
  ngf: 4,
  ndf: 4,
  netF_nc: 8,
  num_patches: 8,
  load_size: 40,
  crop_size: 32,
  n_epochs: 100,
  n_epochs_decay: 0,
};

describe('FastCUT in the studio, with real training jobs', () => {
  it('trains a FastCUT run of an unpaired project, reports its losses and samples, stops, fine-tunes and translates a folder', async () => {
    const project = unwrap(
      await t.client.call('projects.create', {
        name: 'Styles',
        layout: 'unpaired',
        folderA: join(t.demo.unpaired, 'trainA'),
        folderB: join(t.demo.unpaired, 'trainB'),
      }),
    );
    // An unpaired project refuses pix2pix, naming what it trains.
    const wrong = await t.client.call('runs.start', { projectId: project.id, options: { model: 'pix2pix' } });
    expect(wrong.ok || wrong.error.message).toBe(
      'This is an unpaired project, which trains CycleGAN or CUT; pix2pix needs a paired project.',
    );

    const schedule = { sampleEvery: 3, checkpointEvery: 3, saveEpochFreq: 0, numSamples: 2 };
    const run = unwrap(await t.client.call('runs.start', { projectId: project.id, options: tinyFastCut, schedule }));
    expect(run.model).toBe('cut');
    expect(run.options).toMatchObject({
      CUT_mode: 'FastCUT',
      lambda_NCE: 10,
      nce_idt: false,
      flip_equivariance: true,
      init_type: 'xavier',
    });
    await t.client.waitForEvent(runStatus(run.id, 'running'), 90_000);
    await t.client.waitForEvent(
      (e) => e.event === 'run.checkpoint' && e.data.runId === run.id && e.data.checkpoint.totalIters >= 6,
      120_000,
    );
    unwrap(await t.client.call('runs.stop', { runId: run.id }));
    await t.client.waitForEvent(runStatus(run.id, 'stopped'), 60_000);

    const stopped = unwrap(await t.client.call('runs.get', { runId: run.id }));
    expect(stopped.lastCheckpoint).toBe('latest.tandem');
    const metrics = unwrap(await t.client.call('runs.metrics', { runId: run.id }));
    // The Live view's curves: CUT's losses by the official names (FastCUT has no identity NCE).
    expect(metrics.lossNames).toEqual(['G_GAN', 'D_real', 'D_fake', 'G', 'NCE']);
    expect(metrics.points.every((p) => Number.isFinite(p.losses.NCE))).toBe(true);
    const samples = unwrap(await t.client.call('runs.samples', { runId: run.id }));
    expect(samples.length).toBeGreaterThan(0);
    // real A | fake B | real B, one row per sample image.
    const grid = await sharp(join(stopped.runDir, 'samples', readdirSync(join(stopped.runDir, 'samples'))[0]!)).metadata();
    expect([grid.width! / 32, grid.height! / 32].map(Math.round)).toEqual([3, 2]);
    expect(unwrap(await t.client.call('runs.list', { projectId: project.id })).map((r) => r.model)).toEqual(['cut']);

    // Fine-tuning from it trains CUT again (the source's model), keeping its architecture.
    const tuned = unwrap(
      await t.client.call('runs.start', {
        projectId: project.id,
        initFrom: { runId: run.id },
        options: { lr: 0.0001, load_size: 40, crop_size: 32, n_epochs: 1, n_epochs_decay: 0 },
        schedule,
      }),
    );
    expect(tuned.model).toBe('cut');
    expect(tuned.options).toMatchObject({ netG: 'resnet_6blocks', ngf: 4, netF_nc: 8, lr: 0.0001 });
    await until(
      async () => ['finished', 'failed'].includes(unwrap(await t.client.call('runs.get', { runId: tuned.id })).status),
      120_000,
      'the fine-tuned run',
    );
    expect(unwrap(await t.client.call('runs.get', { runId: tuned.id }))).toMatchObject({
      status: 'finished',
      startedFrom: { runId: run.id },
    });

    // One direction only: A → B translates a folder, B → A is refused before a job starts.
    const backwards = await t.client.call('models.export', { runId: run.id, format: 'onnx', direction: 'BtoA' });
    expect(backwards.ok || backwards.error.message).toMatch(/one generator, which translates A→B only/);
    const exp = unwrap(await t.client.call('exports.start', { runId: run.id, inputDir: join(t.demo.unpaired, 'testA'), format: 'png' }));
    await finishedExport(() => t.client.call('exports.get', { exportId: exp.id }));
    expect(readdirSync(exp.outputDir).length).toBe(2);
  });
});
