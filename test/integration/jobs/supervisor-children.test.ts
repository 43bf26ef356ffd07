// The supervisor with real child processes, real files and tiny networks on tiny images.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoDatasets, type DemoDatasets } from '../../../main/data/demo.js';
import { readCheckpointOptions } from '../../../main/gan/models/model-checkpoint.js';
import { CHILD_ENTRY, forkLauncher } from '../../../main/jobs/launcher.js';
import {
  partialFolderFor,
  type ChildMessage,
  type ChildMessageOf,
  type ChildMessageType,
  type TrainJobSpecInput,
} from '../../../main/jobs/protocol.js';
import { JobSupervisor, type JobState, type SupervisorEvent } from '../../../main/jobs/supervisor.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tandem-jobs-'));
// One wasm thread per child: vitest runs two test files at once on two cores.
const env = { ...process.env, TANDEM_WASM_THREADS: '1', TANDEM_BACKEND: 'wasm' };
const supervisor = new JobSupervisor({ env });
let demo: DemoDatasets;

/** Every supervisor event, with waiting for the one a test needs. */
class Recorder {
  readonly events: SupervisorEvent[] = [];
  private wake: Array<() => void> = [];

  constructor(s: JobSupervisor) {
    s.on((e) => {
      this.events.push(e);
      for (const w of this.wake.splice(0)) w();
    });
  }

  messages<T extends ChildMessageType>(jobId: string, type: T): Array<ChildMessageOf<T>> {
    return this.events.flatMap((e) =>
      e.type === 'message' && e.jobId === jobId && e.message.type === type ? [e.message as ChildMessageOf<T>] : [],
    );
  }

  states(jobId: string): JobState[] {
    return this.events.flatMap((e) => (e.type === 'state' && e.jobId === jobId ? [e.state] : []));
  }

  /** The first message of `type` from `jobId` that satisfies `test`, waiting for it if need be. */
  async message<T extends ChildMessageType>(
    jobId: string,
    type: T,
    test: (m: ChildMessageOf<T>) => boolean = () => true,
    timeoutMs = 60_000,
  ): Promise<ChildMessageOf<T>> {
    return this.until(() => this.messages(jobId, type).find(test), `${type} from ${jobId}`, timeoutMs);
  }

  async state(jobId: string, state: JobState, timeoutMs = 60_000): Promise<void> {
    await this.until(() => (supervisor.get(jobId)?.state === state ? true : undefined), `${jobId} to be ${state}`, timeoutMs);
  }

  async until<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; states: ${JSON.stringify(supervisor.list().map((j) => [j.jobId, j.state, j.reason]))}`,
        );
      await Promise.race([new Promise<void>((r) => this.wake.push(r)), sleep(250)]);
    }
  }
}
const rec = new Recorder(supervisor);

const runDir = () => path.join(dir, 'runs', 'p2p');
const trainSpec = (jobId: string, resume: boolean): TrainJobSpecInput => ({
  kind: 'train',
  jobId,
  runDir: runDir(),
  options: { model: 'pix2pix', netG: 'resnet_6blocks', ngf: 4, ndf: 4, load_size: 40, crop_size: 32, n_epochs: 100, n_epochs_decay: 0 },
  data: { kind: 'detect', dataroot: demo.paired, phase: 'train', model: 'pix2pix' },
  resume,
  schedule: { sampleEvery: 4, checkpointEvery: 4, saveEpochFreq: 0 },
  numSamples: 2,
});

beforeAll(async () => {
  demo = await writeDemoDatasets(path.join(dir, 'data'), { trainCount: 8, testCount: 2, size: 48 });
});

afterAll(async () => {
  await supervisor.shutdown({ timeoutMs: 5_000 });
  rmSync(dir, { recursive: true, force: true });
});

describe('training in a child process', () => {
  let stoppedAt = 0;

  it('reports ready, metrics, samples and checkpoints; pause holds it, resume goes on, stop (even paused) saves', async () => {
    const id = supervisor.enqueue(trainSpec('train-1', false));
    expect((await rec.message(id, 'ready')).backendLine).toMatch(/^backend: wasm/);
    const started = await rec.message(id, 'started');
    expect(started).toMatchObject({
      resumed: false,
      progress: { epoch: 1, epochIter: 0, totalIters: 0 },
      epochSize: 8,
      lastEpoch: 100,
      lossNames: ['G_GAN', 'G_L1', 'D_real', 'D_fake'],
    });
    await rec.message(id, 'sample', (s) => s.totalIters >= 4);
    await rec.message(id, 'checkpoint', (c) => c.reason === 'interval' && c.progress.totalIters >= 4);
    expect(existsSync(path.join(runDir(), 'samples', 'iter_00000004.png'))).toBe(true);

    supervisor.pause(id);
    await rec.state(id, 'paused');
    const held = rec.messages(id, 'metrics').length;
    await sleep(800); // several iterations' worth
    expect(rec.messages(id, 'metrics')).toHaveLength(held);
    expect(supervisor.get(id)!.state).toBe('paused');

    supervisor.resume(id);
    await rec.state(id, 'running');
    await rec.message(id, 'metrics', (m) => m.totalIters > held);
    // Stopping a paused run: it moves one more iteration to reach its checkpoint.
    supervisor.pause(id);
    await rec.until(() => (rec.states(id).filter((s) => s === 'paused').length === 2 ? true : undefined), 'the second pause');
    supervisor.stop(id);
    const info = await supervisor.settled(id);

    expect(info.state).toBe('finished');
    expect(info.result).toMatchObject({ kind: 'train', stopped: true, latestCheckpoint: path.join(runDir(), 'latest.tandem') });
    const result = info.result as { progress: { totalIters: number } };
    const metrics = rec.messages(id, 'metrics');
    expect(metrics.map((m) => m.totalIters)).toEqual(metrics.map((_, i) => i + 1)); // one per iteration, none lost
    expect(metrics[0]!.losses).toEqual({
      G_GAN: expect.any(Number),
      G_L1: expect.any(Number),
      D_real: expect.any(Number),
      D_fake: expect.any(Number),
    });
    const last = rec.messages(id, 'checkpoint').at(-1)!;
    expect(last).toMatchObject({ reason: 'stopped', progress: result.progress });
    expect((await readCheckpointOptions(path.join(runDir(), 'latest.tandem'))).progress).toEqual(result.progress);
    expect(rec.messages(id, 'progress').length).toBeGreaterThan(0);
    expect(rec.states(id)).toEqual(['queued', 'starting', 'running', 'paused', 'running', 'paused', 'stopping', 'finished']);
    stoppedAt = result.progress.totalIters;
  });

  it('resumes with the numbering intact; kill -9 leaves it interrupted with a reason; resuming again works', async () => {
    const id = supervisor.enqueue(trainSpec('train-2', true));
    const started = await rec.message(id, 'started');
    expect(started.resumed).toBe(true);
    expect(started.progress.totalIters).toBe(stoppedAt);
    expect((await rec.message(id, 'metrics')).totalIters).toBe(stoppedAt + 1);

    // Kill it mid-run, after it has saved a checkpoint of its own.
    const saved = await rec.message(id, 'checkpoint', (c) => c.reason === 'interval');
    await rec.message(id, 'metrics', (m) => m.totalIters > saved.progress.totalIters);
    process.kill(supervisor.get(id)!.pid!, 'SIGKILL');
    const killed = await supervisor.settled(id);
    const lastSaved = killed.lastCheckpoint!.progress.totalIters;
    expect(lastSaved).toBeGreaterThanOrEqual(saved.progress.totalIters);
    expect(killed.state).toBe('interrupted');
    expect(killed.reason).toBe(
      `the trainer process was killed (SIGKILL) — possibly out of memory; resume continues from the last checkpoint at iteration ${lastSaved}`,
    );

    const again = supervisor.enqueue(trainSpec('train-3', true));
    expect((await rec.message(again, 'started')).progress.totalIters).toBe(lastSaved);
    expect((await rec.message(again, 'metrics')).totalIters).toBe(lastSaved + 1);

    // One heavy job at a time: an export waits for the training to end.
    const output = path.join(dir, 'exported-test');
    const exportId = supervisor.enqueue({
      kind: 'export',
      jobId: 'export-small',
      model: path.join(runDir(), 'latest.tandem'),
      input: path.join(demo.paired, 'test'),
      output,
    });
    await sleep(300);
    expect(supervisor.get(exportId)!.state).toBe('queued');
    supervisor.stop(again);
    expect((await supervisor.settled(again)).result).toMatchObject({ stopped: true });
    const exported = await supervisor.settled(exportId);
    expect(exported).toMatchObject({
      state: 'finished',
      result: { kind: 'export', stopped: false, folder: output, total: 2, translated: 2 },
    });
    expect(readdirSync(output).sort()).toEqual(['0001.png', '0002.png']);
    expect(existsSync(partialFolderFor(output, exportId))).toBe(false);
  });

  it('refuses a job with bad options at enqueue time, naming the option', () => {
    const spec = trainSpec('train-bad', false);
    expect(() =>
      supervisor.enqueue({ ...spec, runDir: path.join(dir, 'runs', 'bad'), options: { ...spec.options, ngf: 'many' } as never }),
    ).toThrow(/ngf/);
    expect(supervisor.get('train-bad')).toBeUndefined();
  });
});

describe('export in a child process', () => {
  it('writes into a partial folder; a killed export leaves no final folder, and a rerun completes it', async () => {
    const big = await writeDemoDatasets(path.join(dir, 'big'), { trainCount: 24, testCount: 0, size: 128 });
    const input = path.join(big.unpaired, 'trainA');
    const output = path.join(dir, 'exported-big');
    const partial = partialFolderFor(output, 'export-big');
    // tfjs on one wasm thread: slow enough (tens of ms an image) to be killed halfway.
    const spec = {
      kind: 'export',
      jobId: 'export-big',
      model: path.join(runDir(), 'latest.tandem'),
      input,
      output,
      engine: 'tfjs',
    } as const;

    const id = supervisor.enqueue(spec);
    const first = await rec.message(id, 'progress');
    expect(first).toMatchObject({ job: 'export', total: 24 });
    process.kill(supervisor.get(id)!.pid!, 'SIGKILL');
    const killed = await supervisor.settled(id);
    expect(killed.state).toBe('interrupted');
    expect(killed.reason).toBe(
      `the export process was killed (SIGKILL) — possibly out of memory; run the export again to continue — finished images are kept in ${partial}`,
    );
    expect(existsSync(output)).toBe(false);
    // Images are written under hidden temporary names and renamed; a kill may leave one behind.
    const doneBefore = readdirSync(partial).filter((n) => !n.startsWith('.')).length;
    expect(doneBefore).toBeGreaterThan(0);
    expect(doneBefore).toBeLessThan(24);
    writeFileSync(path.join(partial, '.0024.png.4242.0123456789ab.tmp'), 'half an image');

    const rerun = await supervisor.settled(supervisor.enqueue(spec));
    expect(rerun.state).toBe('finished');
    expect(rerun.result).toMatchObject({
      kind: 'export',
      stopped: false,
      folder: output,
      total: 24,
      skippedExisting: doneBefore,
      translated: 24 - doneBefore,
      failed: [],
    });
    expect(readdirSync(output).sort()).toEqual(Array.from({ length: 24 }, (_, i) => `${String(i + 1).padStart(4, '0')}.png`));
    expect(existsSync(partial)).toBe(false);
  });
});

describe('the child process', () => {
  it('rejects malformed messages from the parent with clear errors and carries on', async () => {
    const child = forkLauncher().start(CHILD_ENTRY, [], { env });
    const got: ChildMessage[] = [];
    let wake = () => {};
    child.on('message', (m) => {
      got.push(m as ChildMessage);
      wake();
    });
    const exited = new Promise<{ code: number | null }>((r) => child.on('exit', r));
    const waitFor = async (n: number) => {
      while (got.length < n) await new Promise<void>((r) => (wake = r));
    };
    await waitFor(1);
    expect(got[0]).toMatchObject({ type: 'hello', protocol: 1 });
    child.send({ type: 'start', spec: { kind: 'train', jobId: 'j', runDir: 7 } });
    child.send({ type: 'self-destruct' });
    await waitFor(3);
    expect(got[1]).toMatchObject({
      type: 'log',
      level: 'error',
      line: expect.stringMatching(/^ignored invalid message from the studio 'start': spec\.runDir: .*expected string/),
    });
    expect(got[2]).toMatchObject({
      type: 'log',
      level: 'error',
      line: expect.stringMatching(/^ignored invalid message from the studio 'self-destruct': type: /),
    });
    child.send({ type: 'stop' }); // no job yet: it just leaves
    expect((await exited).code).toBe(0);
  });
});
