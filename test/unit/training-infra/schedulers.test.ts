import { describe, expect, it } from 'vitest';
import { LrScheduler, lrForEpoch, lrSchedule, type SchedulerOptions } from '../../../main/gan/optim/schedulers.js';

// The reference's defaults (options/train_options.py).
const DEFAULTS: SchedulerOptions = { policy: 'linear', lr: 0.0002, n_epochs: 100, n_epochs_decay: 100, epoch_count: 1, lr_decay_iters: 50 };

/** train.py's loop: record the lr used during each epoch, then step at the epoch's end. */
function simulate(opts: SchedulerOptions, metric?: (epoch: number) => number): Map<number, number> {
  const optimizers = [{ lr: -1 }, { lr: -1 }];
  const sched = new LrScheduler(opts, optimizers);
  const used = new Map<number, number>();
  for (let epoch = opts.epoch_count; epoch <= opts.n_epochs + opts.n_epochs_decay; epoch++) {
    expect(optimizers[0]!.lr).toBe(sched.lr);
    expect(optimizers[1]!.lr).toBe(sched.lr);
    used.set(epoch, sched.lr);
    sched.step(metric?.(epoch));
  }
  return used;
}

describe('linear policy', () => {
  it('keeps lr for n_epochs, then decays linearly, with the reference defaults', () => {
    const used = simulate(DEFAULTS);
    expect(used.get(1)).toBe(0.0002);
    expect(used.get(100)).toBe(0.0002);
    // Values printed by Python for base_lr * lambda_rule(epoch - 1).
    expect(used.get(101)).toBe(0.00019801980198019803);
    expect(used.get(150)).toBe(0.0002 * (1.0 - 50 / 101));
    expect(used.get(200)).toBe(1.980198019801982e-6);
    expect(used.size).toBe(200);
  });

  it('the lr after the final epoch-end step is 0 (never used for training)', () => {
    const sched = new LrScheduler(DEFAULTS, []);
    for (let i = 0; i < 200; i++) sched.step();
    expect(sched.lr).toBe(0);
  });

  it('on resume (epoch_count > 1) continues the same schedule from the constructor on', () => {
    const fresh = simulate(DEFAULTS);
    const resumed = simulate({ ...DEFAULTS, epoch_count: 151 });
    expect(resumed.get(151)).toBe(fresh.get(151));
    for (const [epoch, lr] of resumed) expect(lr).toBe(fresh.get(epoch));
    const optimizer = { lr: 0 };
    new LrScheduler({ ...DEFAULTS, epoch_count: 151 }, [optimizer]);
    expect(optimizer.lr).toBe(0.0002 * (1.0 - 51 / 101));
  });

  it('lrForEpoch and lrSchedule agree with the stepped scheduler', () => {
    const used = simulate(DEFAULTS);
    for (const [epoch, lr] of used) expect(lrForEpoch(DEFAULTS, epoch)).toBe(lr);
    expect(lrSchedule(DEFAULTS)).toEqual([...used].map(([epoch, lr]) => ({ epoch, lr })));
    expect(() => lrForEpoch({ ...DEFAULTS, epoch_count: 5 }, 4)).toThrow(RangeError);
  });
});

describe('step policy', () => {
  it('multiplies by 0.1 every lr_decay_iters epochs, recursively like torch', () => {
    const opts: SchedulerOptions = { ...DEFAULTS, policy: 'step' };
    const used = simulate(opts);
    expect(used.get(50)).toBe(0.0002);
    expect(used.get(51)).toBe(2e-5);
    // Recursive products, as Python prints them (0.0002*0.1*0.1 != 0.0002*0.01).
    expect(used.get(101)).toBe(2.0000000000000003e-6);
    expect(used.get(151)).toBe(2.0000000000000004e-7);
    for (const [epoch, lr] of used) expect(lrForEpoch(opts, epoch)).toBe(lr);
  });

  it('does not apply the epoch_count offset on resume (a reference quirk)', () => {
    expect(lrForEpoch({ ...DEFAULTS, policy: 'step', epoch_count: 60 }, 60)).toBe(0.0002);
  });
});

describe('cosine policy', () => {
  const opts: SchedulerOptions = { ...DEFAULTS, policy: 'cosine', n_epochs: 100, n_epochs_decay: 151 };
  // torch's recursive get_lr evaluated by Python (math.cos), indexed by steps taken.
  const PYTHON: [number, number][] = [
    [1, 0.00019995065603657316],
    [50, 0.00010000000000000011],
    [100, 0],
    [101, 4.934396342684e-8],
    [150, 9.999999999999999e-5],
    [250, 0.00010000000000000022],
  ];

  it('follows torch recursive CosineAnnealingLR, including past T_max', () => {
    const used = simulate(opts);
    for (const [steps, lr] of PYTHON) {
      const got = used.get(1 + steps)!;
      // V8's Math.cos and the C library's may differ by an ulp; that stays far below float32.
      expect(Math.abs(got - lr)).toBeLessThanOrEqual(1e-14 * 0.0002);
      expect(Math.fround(got)).toBe(Math.fround(lr));
    }
    expect(used.get(101)).toBe(0); // 1 + cos(pi) is exactly 0
    // Close to the closed form within T_max.
    for (let k = 0; k <= 100; k++) {
      expect(used.get(1 + k)!).toBeCloseTo((0.0002 * (1 + Math.cos((Math.PI * k) / 100))) / 2, 12);
    }
    for (const [epoch, lr] of used) expect(lrForEpoch(opts, epoch)).toBe(lr);
  });
});

describe('plateau policy', () => {
  const opts: SchedulerOptions = { ...DEFAULTS, policy: 'plateau' };

  it('with the reference constant metric 0, reduces by 0.2 after every sixth epoch-end step', () => {
    const sched = new LrScheduler(opts, []);
    const lrs: number[] = [];
    for (let i = 0; i < 13; i++) {
      sched.step(0);
      lrs.push(sched.lr);
    }
    expect(lrs.slice(0, 6)).toEqual(new Array(6).fill(0.0002));
    expect(lrs.slice(6, 12)).toEqual(new Array(6).fill(0.0002 * 0.2));
    expect(lrs[12]).toBe(0.0002 * 0.2 * 0.2);
  });

  it('improvements must beat best by 1% (relative threshold) to reset patience', () => {
    const sched = new LrScheduler(opts, []);
    sched.step(1);
    for (let i = 0; i < 6; i++) sched.step(0.995 - i * 0.001); // < 1% better each time: bad epochs
    expect(sched.lr).toBe(0.0002 * 0.2);

    const improving = new LrScheduler(opts, []);
    let m = 1;
    for (let i = 0; i < 30; i++) improving.step((m *= 0.98));
    expect(improving.lr).toBe(0.0002);
  });

  it('stops reducing once a reduction would be below eps (1e-8)', () => {
    const sched = new LrScheduler(opts, []);
    for (let i = 0; i < 200; i++) sched.step(0);
    expect(sched.lr).toBeCloseTo(2.56e-9, 20);
    expect(sched.lr).toBe(0.0002 * 0.2 * 0.2 * 0.2 * 0.2 * 0.2 * 0.2 * 0.2);
  });

  it('requires a metric and has no precomputable schedule', () => {
    const sched = new LrScheduler(opts, []);
    expect(() => sched.step()).toThrow(/needs a metric/);
    expect(() => lrForEpoch(opts, 1)).toThrow(/plateau/);
  });
});

describe('state', () => {
  for (const policy of ['linear', 'step', 'cosine', 'plateau'] as const) {
    it(`round-trips through JSON mid-run and continues identically (${policy})`, () => {
      const opts: SchedulerOptions = { ...DEFAULTS, policy, lr_decay_iters: 7, n_epochs: 20, n_epochs_decay: 20 };
      const metric = (i: number) => (i % 9 === 0 ? 0.5 : 1);
      const a = new LrScheduler(opts, []);
      for (let i = 0; i < 11; i++) a.step(metric(i));
      const json = JSON.stringify(a.exportState());
      const target = { lr: -1 };
      const b = new LrScheduler(opts, [target]);
      b.importState(JSON.parse(json));
      expect(target.lr).toBe(a.lr);
      for (let i = 11; i < 40; i++) {
        a.step(metric(i));
        b.step(metric(i));
        expect(b.lr).toBe(a.lr);
      }
      expect(b.exportState()).toEqual(a.exportState());
    });
  }

  it('keeps an unset plateau best (+Infinity) JSON-safe', () => {
    const s = new LrScheduler({ ...DEFAULTS, policy: 'plateau' }, []).exportState();
    expect(s.plateau!.best).toBeNull();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('refuses a state saved under another policy', () => {
    const s = new LrScheduler(DEFAULTS, []).exportState();
    expect(() => new LrScheduler({ ...DEFAULTS, policy: 'step' }, []).importState(s)).toThrow(/policy 'linear'/);
  });
});

describe('options', () => {
  it('rejects unknown policies and degenerate parameters', () => {
    expect(() => new LrScheduler({ ...DEFAULTS, policy: 'exp' as never }, [])).toThrow(/not implemented/);
    expect(() => new LrScheduler({ ...DEFAULTS, policy: 'step', lr_decay_iters: 0 }, [])).toThrow(/lr_decay_iters/);
    expect(() => new LrScheduler({ ...DEFAULTS, policy: 'cosine', n_epochs: 0 }, [])).toThrow(/T_max/);
  });
});
