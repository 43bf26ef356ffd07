import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { TrainingBatch } from '../../../main/gan/models/model.js';
import type { BatchSource } from '../../../main/gan/training/trainer.js';
import { PauseGate, pausableSource } from '../../../main/jobs/pause-gate.js';

describe('PauseGate', () => {
  it('passes freely until paused, then holds until opened, reporting when it holds', async () => {
    let held = 0;
    const gate = new PauseGate(() => held++);
    await gate.pass();
    gate.pause();
    expect(held).toBe(0); // a pause takes hold only when someone arrives at the gate
    let through = false;
    const waiting = gate.pass().then(() => (through = true));
    await sleep(10);
    expect([held, through, gate.held]).toEqual([1, false, true]);
    expect(gate.open()).toBe(true);
    await waiting;
    expect(through).toBe(true);
    expect(gate.open()).toBe(false);
  });

  it('holds batches of a wrapped source between iterations', async () => {
    const fake = (i: number) => ({ A: i, B: i }) as unknown as TrainingBatch;
    const inner: BatchSource = {
      size: 3,
      async *epoch(_n, opts) {
        for (let i = opts?.startAt ?? 0; i < 3; i++) yield fake(i);
      },
    };
    const gate = new PauseGate();
    const source = pausableSource(inner, gate);
    expect(source.size).toBe(3);
    const seen: unknown[] = [];
    const it = source.epoch(1, { startAt: 1 })[Symbol.asyncIterator]();
    seen.push((await it.next()).value.A);
    gate.pause();
    const next = it.next();
    await sleep(10);
    expect(gate.held).toBe(true);
    gate.open();
    seen.push((await next).value.A);
    expect((await it.next()).done).toBe(true);
    expect(seen).toEqual([1, 2]);
  });

  it('says when a held batch is released, so the trainer leaves the pause out of its step times', async () => {
    const fake = (i: number) => ({ A: i, B: i }) as unknown as TrainingBatch;
    const inner: BatchSource = {
      size: 3,
      async *epoch() {
        for (let i = 0; i < 3; i++) yield fake(i);
      },
    };
    const gate = new PauseGate();
    let released = 0;
    const batches = pausableSource(inner, gate, () => released++).epoch(1);
    const it = batches[Symbol.asyncIterator]();
    await it.next();
    expect(released).toBe(0); // a batch that passes freely is no pause
    gate.pause();
    const next = it.next();
    await sleep(10);
    expect(released).toBe(0);
    gate.open();
    await next;
    expect(released).toBe(1);
    await it.next();
    expect(released).toBe(1);
  });
});
