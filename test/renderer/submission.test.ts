// A form's call to the studio: whatever the call does, the form must not stay busy (a stuck
// "Start training" button), and a failure is shown, beside the field it names.
import { describe, expect, it } from 'vitest';
import type { ApiResult } from '../../main/api/errors.js';
import { Submission } from '../../renderer/src/lib/submission.svelte.js';

describe('Submission', () => {
  it('is busy while the call runs and hands a success to done', async () => {
    const s = new Submission();
    let release!: () => void;
    const got: number[] = [];
    const running = s.run<number>(
      () => new Promise<ApiResult<number>>((resolve) => (release = () => resolve({ ok: true, result: 7 }))),
      (n) => got.push(n),
    );
    expect(s.busy).toBe(true);
    release();
    await running;
    expect([s.busy, s.error, got]).toEqual([false, null, [7]]);
  });

  it('shows a refused call beside the field it names', async () => {
    const s = new Submission();
    await s.run(
      async () => ({ ok: false as const, error: { code: 'invalid-input' as const, message: 'lr must be positive', field: 'options.lr' } }),
      () => undefined,
    );
    expect(s.busy).toBe(false);
    expect(s.fieldError('options')).toBe('lr must be positive');
    expect(s.fieldError('name')).toBeNull();
  });

  it('is not left busy when the transport throws (the studio went away), and says why', async () => {
    const s = new Submission();
    await s.run(
      async () => {
        throw new Error('connection to the studio lost');
      },
      () => undefined,
    );
    expect(s.busy).toBe(false);
    expect(s.error).toEqual({ message: 'connection to the studio lost' });
  });
});
