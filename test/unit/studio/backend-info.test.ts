// What the studio tells the Train view about backends: the GPU a job process found for webgpu,
// and each backend's speed measured by the latest run on it.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnavailableJobRunner } from '../../../main/studio/job-runner.js';
import type { Studio } from '../../../main/studio/studio.js';
import { openStudio, ScriptedJobRunner, tempDir, until, unwrap, writeImages } from './helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let runner: ScriptedJobRunner;
let studio: Studio;
const dataDir = () => join(tmp.dir, 'data');

beforeEach(async () => {
  tmp = await tempDir();
  runner = new ScriptedJobRunner();
  studio = await openStudio(dataDir(), runner);
});

afterEach(async () => {
  await studio.close();
  await tmp.cleanup();
});

describe('backend.info', () => {
  it('asks a job process once which GPU webgpu would use, and says so while it looks', async () => {
    expect(unwrap(await studio.request('backend.info', {})).webgpu).toEqual({ state: 'probing' });
    expect(unwrap(await studio.request('backend.info', {})).webgpu).toEqual({ state: 'probing' });
    expect(runner.probes).toHaveLength(1);
    runner.answerProbe({
      found: true,
      adapter: { name: 'Apple M2 Pro', vendor: 'apple', architecture: 'metal-3', api: 'metal', software: false },
    });
    const info = await until(
      async () => {
        const r = unwrap(await studio.request('backend.info', {}));
        return r.webgpu?.state === 'found' ? r : undefined;
      },
      2000,
      'the probe answer',
    );
    expect(info.webgpu).toEqual({ state: 'found', adapter: 'Apple M2 Pro', api: 'metal', software: false });
  });

  it('reports no GPU with the reason, and none at all where jobs cannot run', async () => {
    void studio.request('backend.info', {});
    runner.answerProbe({ found: false, reason: 'no Vulkan driver installed' });
    await until(async () => unwrap(await studio.request('backend.info', {})).webgpu?.state === 'none', 2000, 'the probe answer');
    expect(unwrap(await studio.request('backend.info', {})).webgpu).toEqual({ state: 'none', reason: 'no Vulkan driver installed' });
    const without = await openStudio(join(tmp.dir, 'other'), new UnavailableJobRunner());
    expect(unwrap(await without.request('backend.info', {})).webgpu).toBeNull();
    await without.close();
  });

  it("records a training run's measured speed for its backend, which the next studio still knows", async () => {
    await writeImages(join(tmp.dir, 'A'), ['1.png', '2.png']);
    await writeImages(join(tmp.dir, 'B'), ['1.png', '2.png']);
    const projectId = unwrap(
      await studio.request('projects.create', {
        name: 'p',
        layout: 'paired-folders',
        folderA: join(tmp.dir, 'A'),
        folderB: join(tmp.dir, 'B'),
      }),
    ).id;
    const run = unwrap(
      await studio.request('runs.start', {
        projectId,
        options: { netG: 'resnet_6blocks', n_epochs: 1, n_epochs_decay: 0, crop_size: 128, load_size: 143 },
      }),
    );
    const job = runner.lastJobId();
    runner.send(job, {
      type: 'ready',
      backendLine: 'backend: webgpu (Apple M2 Pro, metal)',
      backend: 'webgpu',
      adapter: { name: 'Apple M2 Pro', vendor: 'apple', architecture: 'metal-3', api: 'metal', software: false },
    });
    runner.state(job, 'running');
    runner.send(job, {
      type: 'progress',
      job: 'train',
      epoch: 1,
      epochIter: 2,
      epochSize: 2,
      totalIters: 2,
      lastEpoch: 1,
      secondsPerIter: 0.25,
      speedBasis: 'measured',
      etaEpochSeconds: 0,
      etaRunSeconds: 0,
    });
    // The trainer's GPU is news even before any probe answered.
    expect(unwrap(await studio.request('backend.info', {})).webgpu).toEqual({
      state: 'found',
      adapter: 'Apple M2 Pro',
      api: 'metal',
      software: false,
    });
    expect(unwrap(await studio.request('backend.info', {})).measured).toEqual({});
    runner.state(job, 'finished');
    const measured = unwrap(await studio.request('backend.info', {})).measured;
    expect(Object.keys(measured)).toEqual(['webgpu']);
    expect(measured.webgpu).toMatchObject({ secondsPerIteration: 0.25, options: { model: 'pix2pix', crop_size: 128 } });
    expect(measured.webgpu!.options).toEqual(unwrap(await studio.request('runs.get', { runId: run.id })).options);
    await studio.close();
    studio = await openStudio(dataDir(), runner);
    expect(unwrap(await studio.request('backend.info', {})).measured.webgpu?.secondsPerIteration).toBe(0.25);
  });
});
