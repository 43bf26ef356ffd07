import { describe, expect, it } from 'vitest';
import { parseChildMessage, parseJobSpec, parseParentMessage, partialFolderFor } from '../../../main/jobs/protocol.js';

describe('job protocol', () => {
  it('accepts every child message in its documented shape', () => {
    const progress = { epoch: 1, epochIter: 2, totalIters: 2 };
    const messages = [
      { type: 'hello', pid: 12, protocol: 1 },
      { type: 'ready', backendLine: 'backend: wasm' },
      { type: 'started', progress, resumed: false, lastEpoch: 4, epochSize: 8, lossNames: ['G_GAN'] },
      {
        type: 'progress',
        job: 'train',
        epoch: 1,
        epochIter: 2,
        epochSize: 8,
        totalIters: 2,
        lastEpoch: 4,
        secondsPerIter: 0.1,
        speedBasis: 'measured',
        etaEpochSeconds: 0.6,
        etaRunSeconds: 3,
      },
      { type: 'progress', job: 'export', done: 3, total: 10, etaSeconds: 7 },
      { type: 'metrics', totalIters: 2, epoch: 1, losses: { G_GAN: 0.7, G_L1: null }, lr: 2e-4, secondsPerIter: 0.1 },
      { type: 'sample', file: '/r/samples/iter_00000002.png', totalIters: 2 },
      { type: 'checkpoint', file: '/r/latest.tandem', progress, reason: 'interval' },
      { type: 'log', level: 'info', line: 'hello' },
      { type: 'skipped', path: '/d/broken.png', reason: 'truncated' },
      { type: 'paused' },
      { type: 'resumed' },
      { type: 'finished', result: { kind: 'train', stopped: true, progress, latestCheckpoint: '/r/latest.tandem' } },
      {
        type: 'finished',
        result: { kind: 'export', stopped: false, folder: '/out', total: 2, translated: 1, skippedExisting: 1, failed: [] },
      },
      { type: 'failed', message: 'no images', userFacing: true },
    ];
    for (const m of messages) expect(parseChildMessage(m), JSON.stringify(m)).toEqual({ ok: true, value: m });
  });

  it('rejects wrong types and unknown kinds with the field at fault', () => {
    const bad = (m: unknown) => {
      const r = parseChildMessage(m);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error;
    };
    expect(bad({ type: 'metrics', totalIters: -1, epoch: 1, losses: {}, lr: 1, secondsPerIter: 0 })).toMatch(
      /'metrics': totalIters: .*>=0/,
    );
    expect(bad({ type: 'metrics', totalIters: 1, epoch: 1, losses: { G: 'high' }, lr: 1, secondsPerIter: 0 })).toMatch(
      /losses\.G: .*expected number/,
    );
    expect(bad({ type: 'progress', job: 'sing', done: 1, total: 1, etaSeconds: 0 })).toMatch(/job/);
    expect(bad({ type: 'checkpoint', file: '/x', progress: { epoch: 1, epochIter: 0, totalIters: 0 }, reason: 'whim' })).toMatch(/reason/);
    expect(bad({ type: 'launch-missiles' })).toMatch(/invalid message from the job process 'launch-missiles': type: /);
    expect(bad(null)).toMatch(/^invalid message from the job process: /);
    expect(bad([1, 2])).toMatch(/invalid message/);
  });

  it('validates what the parent sends, including the spec inside start', () => {
    expect(parseParentMessage({ type: 'pause' })).toEqual({ ok: true, value: { type: 'pause' } });
    const start = parseParentMessage({
      type: 'start',
      spec: { kind: 'export', jobId: 'e1', model: '/m.tandem', input: '/in', output: '/out' },
    });
    expect(start).toEqual({
      ok: true,
      value: {
        type: 'start',
        spec: { kind: 'export', jobId: 'e1', model: '/m.tandem', input: '/in', output: '/out', direction: 'AtoB', engine: 'auto' },
      },
    });
    const r = parseParentMessage({ type: 'start', spec: { kind: 'train', jobId: 'j', options: { model: 'stylegan' } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/invalid message from the studio 'start': spec\.runDir: .*; spec\.options\.model: .*; spec\.data: /);
    expect(parseParentMessage({ type: 'reboot' }).ok).toBe(false);
  });

  it('checks job specs: shape here, options fully in the child', () => {
    const spec = {
      kind: 'train',
      jobId: 'run-1',
      runDir: '/r',
      options: { model: 'cyclegan', ngf: 4 },
      data: { kind: 'unpaired', dirA: '/a', dirB: '/b' },
      schedule: { sampleEvery: 10 },
    };
    const r = parseJobSpec(spec);
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.value).toMatchObject({
        resume: false,
        numSamples: 4,
        serialBatches: false,
        schedule: { sampleEvery: 10, checkpointEvery: 5000, saveEpochFreq: 5 },
        options: { model: 'cyclegan', ngf: 4 },
      });
    expect(parseJobSpec({ ...spec, data: { kind: 'detect', dataroot: '/d', phase: 'final', model: 'cyclegan' } }).ok).toBe(false);
    expect(parseJobSpec({ ...spec, jobId: 'has space' }).ok).toBe(false);
    expect(parseJobSpec({ ...spec, jobId: '' }).ok).toBe(false);
  });

  it('names the partial folder of an export beside its output', () => {
    expect(partialFolderFor('/out/final/', 'job-1')).toBe('/out/final.partial-job-1');
  });
});
