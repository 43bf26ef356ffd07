// What the studio says when it is stopped: what it waits for, what a second Ctrl-C loses, and how
// each run ended (the lines `tandem serve` prints).
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopOnSignals } from '../../../main/studio/stop-on-signals.js';
import type { Studio } from '../../../main/studio/studio.js';
import { openStudio, ScriptedJobRunner, tempDir, unwrap, writeImages } from './helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let runner: ScriptedJobRunner;
let studio: Studio;
let projectId: string;

beforeEach(async () => {
  tmp = await tempDir();
  await writeImages(join(tmp.dir, 'A'), ['1.png', '2.png']);
  await writeImages(join(tmp.dir, 'B'), ['1.png', '2.png']);
  runner = new ScriptedJobRunner();
  studio = await openStudio(join(tmp.dir, 'data'), runner);
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

/** A run whose trainer is at `at` iterations, with a checkpoint at `saved` (none when null). */
async function trainingRun(name: string, at: number, saved: number | null): Promise<{ runDir: string; jobId: string }> {
  const run = unwrap(await studio.request('runs.start', { projectId, name }));
  const jobId = runner.lastJobId();
  runner.state(jobId, 'running');
  if (saved !== null) {
    runner.iterations(jobId, 0, saved);
    await writeFile(join(run.runDir, 'latest.tandem'), 'checkpoint');
    runner.send(jobId, {
      type: 'checkpoint',
      file: join(run.runDir, 'latest.tandem'),
      progress: { epoch: 1, epochIter: saved, totalIters: saved },
      reason: 'interval',
    });
  }
  runner.iterations(jobId, saved ?? 0, at);
  return { runDir: run.runDir, jobId };
}

describe('stopping the studio', () => {
  it('says what a graceful stop waits for, with each run’s own wait', async () => {
    const { jobId } = await trainingRun('horses', 137, 100);
    runner.graceMs.set(jobId, 44_500);
    expect(studio.stopNotice()).toEqual(['run "horses" finishes its step and saves a checkpoint (waiting up to 45 s)']);
  });

  it('on a second Ctrl-C, ends the jobs and says what each run loses', async () => {
    await trainingRun('horses', 137, 100);
    await trainingRun('fresh', 54, null);
    expect(studio.abort('a second Ctrl-C')).toEqual([
      'run "horses" loses the iterations since its last checkpoint (37: it is at 137, the checkpoint at 100)',
      'run "fresh" loses all its 54 iterations (it has no checkpoint yet)',
    ]);
    expect(runner.aborts).toEqual(['a second Ctrl-C']);
  });

  it('after stopping, says how each run ended and where it resumes', async () => {
    const saved = await trainingRun('saved', 12, 10);
    const lost = await trainingRun('lost', 5, null);
    const closing = studio.close();
    // The jobs end while close() waits for the runner (its first await comes before).
    runner.send(saved.jobId, {
      type: 'checkpoint',
      file: join(saved.runDir, 'latest.tandem'),
      progress: { epoch: 1, epochIter: 13, totalIters: 13 },
      reason: 'stopped',
    });
    runner.trainingFinished(saved.jobId, true, 13);
    runner.state(saved.jobId, 'finished');
    runner.state(
      lost.jobId,
      'interrupted',
      'the trainer process was ended by the studio, which was told to stop without waiting (a second Ctrl-C)',
    );
    expect(await closing).toEqual([
      'run "saved" stopped with a checkpoint; resume continues from iteration 13',
      'run "lost" interrupted: the trainer process was ended by the studio, which was told to stop without waiting (a second Ctrl-C)',
    ]);
  });

  it('Ctrl-C stops gracefully and says for how long; a second one stops at once and says what is lost', async () => {
    const { jobId } = await trainingRun('horses', 137, 100);
    runner.graceMs.set(jobId, 30_000);
    const signals = new EventEmitter();
    const said: string[] = [];
    let stops = 0;
    const off = stopOnSignals(studio, {
      stop: () => stops++,
      write: (line) => said.push(line),
      source: signals as unknown as NodeJS.Process,
    });
    signals.emit('SIGINT', 'SIGINT');
    expect(stops).toBe(1);
    expect(said).toEqual([
      '\nstopping: run "horses" finishes its step and saves a checkpoint (waiting up to 30 s). Ctrl-C again to stop at once.',
    ]);
    signals.emit('SIGINT', 'SIGINT');
    expect(stops).toBe(1);
    expect(runner.aborts).toEqual(['a second Ctrl-C']);
    expect(said[1]).toBe(
      'stopping now: run "horses" loses the iterations since its last checkpoint (37: it is at 137, the checkpoint at 100).',
    );
    off();
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });
});
