import { describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE, shutdownGraceMs } from '../../../main/jobs/shutdown-grace.js';

describe('the wait for a stopping job', () => {
  it('grows with the measured step and checkpoint times: three steps and two checkpoint writes', () => {
    expect(shutdownGraceMs('train', { secondsPerStep: 12, checkpointSeconds: 4 })).toBe(44_000);
    expect(shutdownGraceMs('train', { secondsPerStep: 60, checkpointSeconds: 10 })).toBe(200_000); // a big CycleGAN on a CPU
  });

  it('allows for a checkpoint not measured yet (the first comes at an epoch end)', () => {
    expect(shutdownGraceMs('train', { secondsPerStep: 12, checkpointSeconds: null })).toBe(
      (3 * 12 + 2 * SHUTDOWN_GRACE.unmeasuredCheckpointSeconds) * 1000,
    );
  });

  it('never goes below the floor: fast steps, or no step yet (then nothing is lost by ending it)', () => {
    expect(shutdownGraceMs('train', { secondsPerStep: 0.05, checkpointSeconds: 0.2 })).toBe(SHUTDOWN_GRACE.floorMs);
    expect(shutdownGraceMs('train', { secondsPerStep: null, checkpointSeconds: null })).toBe(SHUTDOWN_GRACE.floorMs);
  });

  it('gives exports, imports and model exports a fixed wait', () => {
    for (const kind of ['export', 'import', 'model-export'] as const) {
      expect(shutdownGraceMs(kind, { secondsPerStep: null, checkpointSeconds: null })).toBe(SHUTDOWN_GRACE.otherJobsMs);
    }
  });
});
