// Ctrl-C on `tandem serve` as a terminal sends it: SIGINT to the whole process group, the trainer
// child included. The trainer must not die of it: it finishes its step, saves a checkpoint and
// exits, and the run resumes from there when the studio starts again.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/api/events.js';
import { writeDemoDatasets } from '../../../main/data/demo.js';
import { NodeStudioClient } from '../../../main/server/client.js';
import { startServe, type ServeProcess } from '../../helpers/serve-process.js';
import { tempDir, until, unwrap } from '../../unit/studio/helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let train: string;
const running: ServeProcess[] = [];

beforeAll(async () => {
  tmp = await tempDir('tandem-ctrl-c-');
  // An epoch of 40 images: its end (which saves a checkpoint) lies far beyond the Ctrl-C.
  train = join((await writeDemoDatasets(join(tmp.dir, 'demo'), { trainCount: 40, testCount: 0, size: 32 })).paired, 'train');
});

afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) process.kill(-s.child.pid!, 'SIGKILL');
  await tmp?.cleanup();
});

/** `tandem serve` in a process group of its own, as a shell runs a foreground command. */
async function serve(): Promise<{ studio: ServeProcess; client: NodeStudioClient }> {
  const studio = startServe(join(tmp.dir, 'data'), tmp.dir, { ownProcessGroup: true, stderr: 'pipe' });
  running.push(studio);
  const port = new URL(await studio.url).port;
  return { studio, client: await NodeStudioClient.connect(`ws://127.0.0.1:${port}/api`) };
}

/** A terminal's Ctrl-C: SIGINT to every process of the foreground group. */
async function ctrlC(studio: ServeProcess, client: NodeStudioClient): Promise<number | null> {
  process.kill(-studio.child.pid!, 'SIGINT');
  const code = await studio.exited;
  await client.close();
  return code;
}

/** Whether any process of the group is still alive (a trainer left behind). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const iterationAtLeast = (runId: string, n: number) => (e: StudioEvent) =>
  e.event === 'run.metrics' && e.data.runId === runId && e.data.points.some((p) => p.iteration >= n);

describe('Ctrl-C on tandem serve', () => {
  it('lets the trainer finish its step and save; after a restart the run resumes where it stopped', async () => {
    const first = await serve();
    const project = unwrap(await first.client.call('projects.create', { name: 'Ctrl-C', layout: 'aligned', folder: train }));
    const run = unwrap(
      await first.client.call('runs.start', {
        projectId: project.id,
        name: 'interrupted by ctrl-c',
        options: { netG: 'resnet_6blocks', ngf: 4, ndf: 4, load_size: 32, crop_size: 32, n_epochs: 10, n_epochs_decay: 0 },
        schedule: { sampleEvery: 0, checkpointEvery: 0, saveEpochFreq: 0, numSamples: 0 },
      }),
    );
    await first.client.waitForEvent(iterationAtLeast(run.id, 3), 120_000);
    expect(unwrap(await first.client.call('checkpoints.list', { runId: run.id }))).toEqual([]); // nothing saved before the Ctrl-C

    expect(await ctrlC(first.studio, first.client)).toBe(0);
    const said = first.studio.stderr.join('\n');
    expect(said).toMatch(
      /stopping: run "interrupted by ctrl-c" finishes its step and saves a checkpoint \(waiting up to \d+ s\)\. Ctrl-C again to stop at once\./,
    );
    const saved = /run "interrupted by ctrl-c" stopped with a checkpoint; resume continues from iteration (\d+)/.exec(said);
    expect(saved, said).not.toBeNull();
    const savedAt = Number(saved![1]);
    expect(savedAt).toBeGreaterThanOrEqual(3);
    expect(groupAlive(first.studio.child.pid!)).toBe(false); // no trainer left running

    const second = await serve();
    const stopped = unwrap(await second.client.call('runs.get', { runId: run.id }));
    expect(stopped).toMatchObject({ status: 'stopped', lastCheckpoint: 'latest.tandem', totalIters: savedAt });
    unwrap(await second.client.call('runs.resume', { runId: run.id }));
    await until(
      async () => unwrap(await second.client.call('runs.metrics', { runId: run.id })).total >= savedAt + 2,
      120_000,
      'iterations after resuming',
    );
    const its = unwrap(await second.client.call('runs.metrics', { runId: run.id })).points.map((p) => p.iteration);
    // One unbroken count: the resumed trainer went on from the checkpoint, not from 0.
    expect(its).toEqual(Array.from({ length: its.length }, (_, i) => i + 1));
    expect(await ctrlC(second.studio, second.client)).toBe(0);
  }, 300_000);

  it('a studio killed outright leaves no trainer behind: it saves and exits, and the next start resumes from that checkpoint', async () => {
    const { studio, client } = await serve();
    const project = unwrap(await client.call('projects.create', { name: 'Killed', layout: 'aligned', folder: train }));
    const run = unwrap(
      await client.call('runs.start', {
        projectId: project.id,
        options: { netG: 'resnet_6blocks', ngf: 4, ndf: 4, load_size: 32, crop_size: 32, n_epochs: 10, n_epochs_decay: 0 },
        schedule: { sampleEvery: 0, checkpointEvery: 0, saveEpochFreq: 0, numSamples: 0 },
      }),
    );
    await client.waitForEvent(iterationAtLeast(run.id, 2), 120_000);
    process.kill(studio.child.pid!, 'SIGKILL'); // the studio alone: its trainer sees the channel close
    await studio.exited;
    await until(() => !groupAlive(studio.child.pid!), 60_000, 'the orphaned trainer to exit');
    expect(existsSync(join(run.runDir, 'latest.tandem'))).toBe(true);
    await client.close().catch(() => undefined);

    // The studio never heard of that checkpoint; started again, it finds it, and nothing trained is lost.
    const second = await serve();
    const after = unwrap(await second.client.call('runs.get', { runId: run.id }));
    expect(after.status).toBe('interrupted');
    expect(after.lastCheckpoint).toBe('latest.tandem');
    expect(after.totalIters).toBeGreaterThanOrEqual(2);
    expect(after.statusReason).toMatch(/its trainer saved a checkpoint as it stopped; resume continues from there \(image \d+\)/);
    const listed = unwrap(await second.client.call('checkpoints.list', { runId: run.id }));
    expect(listed).toMatchObject([{ fileName: 'latest.tandem', totalIters: after.totalIters, reason: 'stopped' }]);
    unwrap(await second.client.call('runs.resume', { runId: run.id }));
    await until(
      async () => unwrap(await second.client.call('runs.metrics', { runId: run.id })).points.some((p) => p.iteration > after.totalIters),
      120_000,
      'iterations after resuming',
    );
    expect(await ctrlC(second.studio, second.client)).toBe(0);
  }, 300_000);
});
