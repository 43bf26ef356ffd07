import { describe, expect, it, vi } from 'vitest';
import { JobRequestError, JobSupervisor, interruptionReason, type JobState, type SupervisorEvent } from '../../../main/jobs/supervisor.js';
import { PROTOCOL_VERSION, type ExportJobSpecInput, type TrainJobSpecInput } from '../../../main/jobs/protocol.js';
import { FakeLauncher, type FakeChild } from './fake-launcher.js';

const train = (jobId: string, over: Partial<TrainJobSpecInput> = {}): TrainJobSpecInput => ({
  kind: 'train',
  jobId,
  runDir: `/runs/${jobId}`,
  options: { model: 'pix2pix' },
  data: { kind: 'aligned', dir: '/data/train' },
  schedule: {},
  ...over,
});
const exportJob = (jobId: string): ExportJobSpecInput => ({
  kind: 'export',
  jobId,
  model: '/runs/a/latest.tandem',
  input: '/in',
  output: '/out/final',
});

function setup(opts: { maxConcurrent?: number } = {}) {
  const launcher = new FakeLauncher();
  const supervisor = new JobSupervisor({ launcher, entry: '/child.ts', ...opts });
  const events: SupervisorEvent[] = [];
  supervisor.on((e) => events.push(e));
  const states = (jobId: string): JobState[] => events.flatMap((e) => (e.type === 'state' && e.jobId === jobId ? [e.state] : []));
  return { launcher, supervisor, events, states };
}

/** Plays a child that says hello and reports ready. */
function bringUp(child: FakeChild): void {
  child.post({ type: 'hello', pid: child.pid, protocol: PROTOCOL_VERSION });
  child.post({ type: 'ready', backendLine: 'backend: fake' });
}

/** `t` (from setup() or stubborn()) with a training job whose child said hello and ready: the job runs. */
function startedTrain<T extends { launcher: FakeLauncher; supervisor: JobSupervisor }>(spec: TrainJobSpecInput, t: T) {
  const id = t.supervisor.enqueue(spec);
  const child = t.launcher.last;
  bringUp(child);
  return { ...t, id, child };
}

function finishTrain(child: FakeChild, stopped = false): void {
  child.post({
    type: 'finished',
    result: { kind: 'train', stopped, progress: { epoch: 2, epochIter: 0, totalIters: 8 }, latestCheckpoint: '/runs/x/latest.tandem' },
  });
  child.exit({ code: 0, signal: null });
}

describe('JobSupervisor', () => {
  it('validates jobs on enqueue and names the wrong fields', () => {
    const { supervisor } = setup();
    expect(() => supervisor.enqueue({ ...train('a'), runDir: 42 } as never)).toThrow(/invalid job.*runDir: .*expected string/);
    expect(() => supervisor.enqueue({ kind: 'dance', jobId: 'b' } as never)).toThrow(JobRequestError);
    expect(() => supervisor.enqueue({ kind: 'dance', jobId: 'b' } as never)).toThrow(/kind/);
    expect(() => supervisor.enqueue(train('../escape'))).toThrow(/jobId: a job id is/);
    expect(supervisor.list()).toEqual([]);
  });

  it('generates a job id when none is given, and fills defaults', () => {
    const { supervisor } = setup();
    const { jobId: _omit, ...spec } = train('x');
    const id = supervisor.enqueue(spec);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const info = supervisor.get(id)!;
    expect(info.spec).toMatchObject({
      resume: false,
      numSamples: 4,
      schedule: { sampleEvery: 400, checkpointEvery: 5000, saveEpochFreq: 5 },
    });
  });

  it('says hello before start: the spec goes out only once the child listens, then queued controls', () => {
    const { launcher, supervisor, states } = setup();
    const id = supervisor.enqueue(train('a'));
    const child = launcher.last;
    expect(child.entry).toBe('/child.ts');
    supervisor.pause(id); // asked while the child is still loading
    expect(child.received).toEqual([]);
    child.post({ type: 'hello', pid: child.pid, protocol: PROTOCOL_VERSION });
    expect(child.receivedTypes).toEqual(['start', 'pause']);
    expect((child.received[0] as { spec: { jobId: string } }).spec.jobId).toBe('a');
    child.post({ type: 'ready', backendLine: 'b' });
    child.post({ type: 'paused' });
    supervisor.resume(id);
    child.post({ type: 'resumed' });
    expect(states(id)).toEqual(['queued', 'starting', 'running', 'paused', 'running']);
    expect(supervisor.get(id)).toMatchObject({ backendLine: 'b', pid: child.pid });
  });

  it('runs one heavy job at a time by default, in order', async () => {
    const { launcher, supervisor } = setup();
    const a = supervisor.enqueue(train('a'));
    const b = supervisor.enqueue(exportJob('b'));
    const c = supervisor.enqueue(train('c'));
    expect(launcher.children).toHaveLength(1);
    expect(supervisor.list().map((j) => [j.jobId, j.state])).toEqual([
      ['a', 'starting'],
      ['b', 'queued'],
      ['c', 'queued'],
    ]);
    bringUp(launcher.last);
    finishTrain(launcher.last);
    expect((await supervisor.settled(a)).state).toBe('finished');
    expect(launcher.children).toHaveLength(2);
    expect(supervisor.get(b)!.state).toBe('starting');
    expect(supervisor.get(c)!.state).toBe('queued');
  });

  it('starts an import or a model export at once, even while a training holds the heavy slot', () => {
    const { launcher, supervisor } = setup();
    supervisor.enqueue(train('a'));
    supervisor.enqueue(exportJob('b'));
    supervisor.enqueue({ kind: 'import', jobId: 'c', file: '/zoo/latest_net_G.pth', out: '/runs/c/model.tandem' });
    supervisor.enqueue({ kind: 'model-export', jobId: 'd', model: '/runs/c/model.tandem', format: 'onnx', out: '/out/m.onnx' });
    supervisor.enqueue({ kind: 'model-export', jobId: 'e', model: '/runs/c/model.tandem', format: 'tfjs', out: '/out/m' });
    // The heavy export waits for the training; two light jobs run beside it, the third waits.
    expect(supervisor.list().map((j) => [j.jobId, j.state])).toEqual([
      ['a', 'starting'],
      ['b', 'queued'],
      ['c', 'starting'],
      ['d', 'starting'],
      ['e', 'queued'],
    ]);
    expect(launcher.children).toHaveLength(3);
    expect(() => supervisor.pause('c')).toThrow(/only training can be paused; this job takes seconds/);
  });

  it('runs up to maxConcurrent jobs at once', () => {
    const { launcher, supervisor } = setup({ maxConcurrent: 2 });
    for (const id of ['a', 'b', 'c']) supervisor.enqueue(train(id));
    expect(launcher.children).toHaveLength(2);
    expect(supervisor.list().map((j) => j.state)).toEqual(['starting', 'starting', 'queued']);
  });

  it('cancels a queued job on stop, and a loading one without sending it anything', async () => {
    const { launcher, supervisor, states } = setup();
    const a = supervisor.enqueue(train('a'));
    const b = supervisor.enqueue(train('b'));
    supervisor.stop(b);
    expect(supervisor.get(b)).toMatchObject({ state: 'cancelled', reason: 'cancelled before it started' });
    supervisor.stop(a); // before hello
    expect(launcher.last.kills).toEqual(['SIGTERM']);
    expect(launcher.last.received).toEqual([]);
    expect((await supervisor.settled(a)).state).toBe('cancelled');
    expect(states(a)).toEqual(['queued', 'starting', 'stopping', 'cancelled']);
  });

  it('stops a running job through the child: stopping, then finished with stopped', async () => {
    const { launcher, supervisor, states, id: a } = startedTrain(train('a'), setup());
    supervisor.stop(a);
    supervisor.stop(a); // a second stop is harmless
    expect(launcher.last.receivedTypes).toEqual(['start', 'stop']);
    finishTrain(launcher.last, true);
    const info = await supervisor.settled(a);
    expect(info).toMatchObject({ state: 'finished', result: { kind: 'train', stopped: true } });
    expect(states(a)).toEqual(['queued', 'starting', 'running', 'stopping', 'finished']);
  });

  it('reports a malformed child message as a protocol error and keeps going', async () => {
    const { supervisor, events, id: a, child } = startedTrain(train('a'), setup());
    child.post({ type: 'metrics', totalIters: 'three', epoch: 1, losses: {}, lr: 0.1, secondsPerIter: 0.1 });
    child.post({ type: 'teleport' });
    child.post('not even an object');
    child.post({ type: 'metrics', totalIters: 3, epoch: 1, losses: { G_GAN: 0.5, D_real: null }, lr: 0.1, secondsPerIter: 0.1 });
    const errors = events.flatMap((e) => (e.type === 'protocol-error' ? [e.error] : []));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/invalid message from the job process 'metrics': totalIters: .*expected number, received string/);
    expect(errors[1]).toMatch(/'teleport'.*type: Invalid discriminator value/i);
    expect(errors[2]).toMatch(/invalid message from the job process/);
    const metrics = events.filter((e) => e.type === 'message' && e.message.type === 'metrics');
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ jobId: 'a', message: { losses: { G_GAN: 0.5, D_real: null } } });
    expect(supervisor.get(a)!.state).toBe('running');
  });

  it('marks a child that dies without a result as interrupted, with the checkpoint to resume from', async () => {
    const { supervisor, id: a, child } = startedTrain(train('a'), setup());
    child.post({
      type: 'checkpoint',
      file: '/runs/a/latest.tandem',
      progress: { epoch: 1, epochIter: 4, totalIters: 4 },
      reason: 'interval',
    });
    child.exit({ code: null, signal: 'SIGKILL' });
    const info = await supervisor.settled(a);
    expect(info.state).toBe('interrupted');
    expect(info.reason).toBe(
      'the trainer process was killed (SIGKILL) — possibly out of memory; resume continues from the last checkpoint at iteration 4',
    );
    expect(info.lastCheckpoint).toEqual({ file: '/runs/a/latest.tandem', progress: { epoch: 1, epochIter: 4, totalIters: 4 } });
  });

  it('recognises heap exhaustion from what the child printed', async () => {
    const { supervisor, id: a, child } = startedTrain(train('a', { resume: true }), setup());
    child.post({
      type: 'started',
      progress: { epoch: 3, epochIter: 0, totalIters: 24 },
      resumed: true,
      lastEpoch: 4,
      epochSize: 8,
      lossNames: [],
    });
    child.writeStderr('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory');
    child.exit({ code: 134, signal: null });
    expect((await supervisor.settled(a)).reason).toBe(
      'the trainer process ran out of memory; resume continues from the last checkpoint at iteration 24',
    );
  });

  it('a trainer that ran out of GPU memory is interrupted (resumable), with its reason and what to resume from', async () => {
    const { supervisor, id: a, child } = startedTrain(train('a'), setup());
    child.post({
      type: 'checkpoint',
      file: '/runs/a/latest.tandem',
      progress: { epoch: 1, epochIter: 8, totalIters: 8 },
      reason: 'interval',
    });
    child.post({
      type: 'interrupted',
      reason:
        'the GPU (Apple M2) ran out of memory: … CycleGAN resnet_9blocks at crop 512 does not fit in ~7.5 GB: use --crop_size 384 or smaller',
    });
    child.exit({ code: 1, signal: null });
    const info = await supervisor.settled(a);
    expect(info.state).toBe('interrupted');
    expect(info.reason).toBe(
      'the GPU (Apple M2) ran out of memory: … CycleGAN resnet_9blocks at crop 512 does not fit in ~7.5 GB: use --crop_size 384 or smaller; resume continues from the last checkpoint at iteration 8',
    );
  });

  it('a failed job keeps the child’s message and whether it is meant for the user', async () => {
    const { launcher, supervisor } = setup();
    const a = supervisor.enqueue(train('a'));
    launcher.last.post({ type: 'hello', pid: 1, protocol: PROTOCOL_VERSION });
    launcher.last.post({ type: 'failed', message: 'Cannot train on this dataset: no readable images.', userFacing: true });
    launcher.last.exit({ code: 1, signal: null });
    expect(await supervisor.settled(a)).toMatchObject({
      state: 'failed',
      reason: 'Cannot train on this dataset: no readable images.',
      userFacing: true,
    });
  });

  it('kills a child that lingers after its last message', async () => {
    const launcher = new FakeLauncher();
    const lingering = { launcher, supervisor: new JobSupervisor({ launcher, exitGraceMs: 20 }) };
    const { supervisor, id: a, child } = startedTrain(train('a'), lingering);
    child.post({
      type: 'finished',
      result: { kind: 'train', stopped: false, progress: { epoch: 2, epochIter: 0, totalIters: 8 }, latestCheckpoint: null },
    });
    const info = await supervisor.settled(a);
    expect(launcher.last.kills).toEqual(['SIGKILL']);
    expect(info.state).toBe('finished');
  });

  it('refuses a child that speaks another protocol version', async () => {
    const { launcher, supervisor } = setup();
    const a = supervisor.enqueue(train('a'));
    launcher.last.post({ type: 'hello', pid: 1, protocol: PROTOCOL_VERSION + 1 });
    expect(await supervisor.settled(a)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/protocol/) });
    expect(launcher.last.received).toEqual([]);
  });

  it('explains control requests it cannot carry out', () => {
    const { launcher, supervisor } = setup();
    const a = supervisor.enqueue(exportJob('a'));
    const b = supervisor.enqueue(train('b'));
    bringUp(launcher.last);
    expect(() => supervisor.pause(a)).toThrow(/only training can be paused; stop the export and run it again/);
    expect(() => supervisor.pause(b)).toThrow(/cannot pause job b: it is queued/);
    expect(() => supervisor.pause('nope')).toThrow(/there is no job nope/);
    expect(() => supervisor.enqueue(exportJob('a'))).toThrow(/job a is already running/);
  });

  it('runs a finished job id again (an export continues in its partial folder)', async () => {
    const { launcher, supervisor } = setup();
    const a = supervisor.enqueue(exportJob('a'));
    launcher.last.exit({ code: null, signal: 'SIGKILL' });
    const first = await supervisor.settled(a);
    expect(first.reason).toBe(
      'the export process was killed (SIGKILL) — possibly out of memory; run the export again to continue — finished images are kept in /out/final.partial-a',
    );
    supervisor.enqueue(exportJob('a'));
    expect(launcher.children).toHaveLength(2);
    expect(supervisor.list()).toHaveLength(1);
    expect(supervisor.get('a')!.state).toBe('starting');
  });

  it('shutdown cancels the queue, stops children, and kills those that do not stop in time', async () => {
    const launcher = new FakeLauncher();
    launcher.onKill = (child, signal) => {
      if (signal === 'SIGKILL') child.exit({ code: null, signal });
    };
    const supervisor = new JobSupervisor({ launcher, maxConcurrent: 2 });
    const a = supervisor.enqueue(train('a'));
    const b = supervisor.enqueue(train('b'));
    const c = supervisor.enqueue(train('c'));
    for (const child of launcher.children) bringUp(child);
    const [childA, childB] = launcher.children;
    const done = supervisor.shutdown({ timeoutMs: 50 });
    expect(supervisor.get(c)!.state).toBe('cancelled');
    expect(childA!.receivedTypes).toEqual(['start', 'stop']);
    finishTrain(childA!, true); // a stops in time; b ignores the stop
    await done;
    expect(childB!.kills).toEqual(['SIGKILL']);
    expect(supervisor.get(a)!.state).toBe('finished');
    expect(supervisor.get(b)!.state).toBe('interrupted');
    expect(() => supervisor.enqueue(train('d'))).toThrow(/shut down/);
  });
});

describe('interruptionReason', () => {
  const spec = {
    kind: 'train',
    jobId: 'r',
    runDir: '/r',
    options: { model: 'pix2pix' },
    data: { kind: 'aligned', dir: '/d' },
    resume: false,
    schedule: { sampleEvery: 1, checkpointEvery: 1, saveEpochFreq: 1 },
    numSamples: 0,
    serialBatches: false,
  } as const;
  it('says when nothing was saved yet', () => {
    expect(interruptionReason({ kind: 'train', spec }, { code: 1, signal: null })).toBe(
      'the trainer process exited unexpectedly (code 1); no checkpoint was saved yet, so the run has to start again',
    );
    expect(interruptionReason({ kind: 'train', spec }, { code: null, signal: 'SIGTERM' })).toMatch(
      /^the trainer process was ended by SIGTERM;/,
    );
    expect(interruptionReason({ kind: 'train', spec }, { code: null, signal: null, error: 'spawn ENOENT' })).toMatch(
      /could not be started \(spawn ENOENT\)/,
    );
  });
});

describe('JobSupervisor.kill', () => {
  it('ends an unresponsive child at once and says it was on request', async () => {
    const { launcher, supervisor, id: a } = startedTrain(train('a'), setup());
    launcher.last.post({
      type: 'checkpoint',
      file: '/runs/a/latest.tandem',
      progress: { epoch: 1, epochIter: 8, totalIters: 8 },
      reason: 'epoch',
    });
    supervisor.stop(a);
    supervisor.kill(a);
    expect(launcher.last.kills).toEqual(['SIGKILL']);
    expect(await supervisor.settled(a)).toMatchObject({
      state: 'interrupted',
      reason: 'the trainer process was ended on request; resume continues from the last checkpoint at iteration 8',
    });
  });
});

describe('JobSupervisor.shutdown: the wait follows the trainer, and the studio owns its kills', () => {
  /** A child that ignores stop and dies only of SIGKILL. */
  function stubborn() {
    const launcher = new FakeLauncher();
    launcher.onKill = (child, signal) => {
      if (signal === 'SIGKILL') child.exit({ code: null, signal });
    };
    return { launcher, supervisor: new JobSupervisor({ launcher }) };
  }

  const metrics = (secondsPerIter: number) => ({
    type: 'metrics',
    totalIters: 9,
    epoch: 1,
    losses: { G_GAN: 1 },
    lr: 0.0002,
    secondsPerIter,
  });
  const checkpoint = (seconds: number) => ({
    type: 'checkpoint',
    file: '/runs/a/latest.tandem',
    progress: { epoch: 1, epochIter: 8, totalIters: 8 },
    reason: 'interval',
    seconds,
  });

  it('waits three measured steps and two checkpoint writes, then ends it with a reason naming the studio, not memory', async () => {
    vi.useFakeTimers();
    try {
      const { launcher, supervisor, id: a } = startedTrain(train('a'), stubborn());
      launcher.last.post(checkpoint(4));
      launcher.last.post(metrics(12));
      expect(supervisor.shutdownGraceMs(a)).toBe(44_000);
      const done = supervisor.shutdown();
      await vi.advanceTimersByTimeAsync(43_000);
      expect(launcher.last.kills).toEqual([]);
      expect(launcher.last.receivedTypes).toEqual(['start', 'stop']);
      await vi.advanceTimersByTimeAsync(2_000);
      await done;
      expect(launcher.last.kills).toEqual(['SIGKILL']);
      expect(supervisor.get(a)).toMatchObject({
        state: 'interrupted',
        reason:
          'the trainer process was ended by the studio, which was stopping: it had not saved within the 44 s allowed (its steps take about 12 s); resume continues from the last checkpoint at iteration 8',
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it('abort (a second Ctrl-C) ends every job at once and says the studio was told not to wait', async () => {
    const { supervisor, id: a } = startedTrain(train('a'), stubborn());
    const done = supervisor.shutdown();
    supervisor.abort('a second Ctrl-C');
    await done;
    expect(supervisor.get(a)!.reason).toBe(
      'the trainer process was ended by the studio, which was told to stop without waiting (a second Ctrl-C); no checkpoint was saved yet, so the run has to start again',
    );
  });
});
