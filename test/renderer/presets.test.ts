import { describe, expect, it } from 'vitest';
import { runOptionsSchema } from '../../main/api/run-options.js';
import { PRESETS, changedOptions, defaultsFor, epochCount, optionDocs, presetsFor, resolveOptions, schemaKeys } from '../../renderer/src/lib/stores/presets.js';
import { estimateRun, iterationMacs, networkCost } from '../../renderer/src/lib/stores/estimate.js';

describe('presets', () => {
  it('every preset gives options the run-options schema accepts, for every project kind it applies to', () => {
    for (const p of PRESETS) {
      for (const kind of p.kinds) {
        const input = p.options(kind);
        const r = runOptionsSchema.safeParse(input);
        expect(r.success, `${p.id}/${kind}: ${r.success ? '' : r.error.message}`).toBe(true);
        expect(input.model).toBe(kind === 'paired' ? 'pix2pix' : 'cyclegan');
      }
    }
  });

  it('offers pix2pix to paired projects and CycleGAN to unpaired ones, and Quick draft to both', () => {
    expect(presetsFor('paired').map((p) => p.id)).toEqual(['pix2pix-paper', 'quick-draft']);
    expect(presetsFor('unpaired').map((p) => p.id)).toEqual(['cyclegan-paper', 'quick-draft']);
  });

  it('the paper presets are the reference defaults', () => {
    const pix = resolveOptions(PRESETS.find((p) => p.id === 'pix2pix-paper')!.options('paired'));
    expect(pix.ok && pix.options).toMatchObject({ netG: 'unet_256', netD: 'basic', norm: 'batch', gan_mode: 'vanilla', lambda_L1: 100, load_size: 286, crop_size: 256, n_epochs: 100, n_epochs_decay: 100 });
    const cyc = resolveOptions(PRESETS.find((p) => p.id === 'cyclegan-paper')!.options('unpaired'));
    expect(cyc.ok && cyc.options).toMatchObject({ netG: 'resnet_9blocks', norm: 'instance', gan_mode: 'lsgan', lambda_A: 10, lambda_identity: 0.5, pool_size: 50 });
  });

  it('Quick draft is small: resnet_6blocks, ngf/ndf 16, 128 crops from 143, few epochs', () => {
    const q = resolveOptions(PRESETS.find((p) => p.id === 'quick-draft')!.options('unpaired'));
    expect(q.ok && q.options).toMatchObject({ netG: 'resnet_6blocks', ngf: 16, ndf: 16, crop_size: 128, load_size: 143 });
    expect(q.ok && epochCount(q.options)).toBeLessThanOrEqual(20);
  });

  it('every option of each model has a one-line explanation and a valid control', () => {
    for (const model of ['pix2pix', 'cyclegan'] as const) {
      const docs = optionDocs(model);
      const keys = new Set(docs.map((d) => d.key));
      for (const k of schemaKeys(model)) if (k !== 'model') expect(keys.has(k), `${model}.${k} has no doc`).toBe(true);
      for (const d of docs) {
        expect(d.help.length).toBeGreaterThan(10);
        expect(d.help).not.toContain('\n');
        if (d.kind === 'enum') expect(d.choices?.length, `${d.key} choices`).toBeGreaterThan(1);
      }
      // the default of each enum is one of its choices
      const defaults = defaultsFor(model) as unknown as Record<string, unknown>;
      for (const d of docs) if (d.kind === 'enum') expect(d.choices).toContain(defaults[d.key]);
    }
  });

  it('sends only what differs from the defaults, and that resolves to the same options', () => {
    const r = resolveOptions({ model: 'pix2pix', ngf: 32, lr: 0.0001 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const sent = changedOptions(r.options);
    expect(sent).toEqual({ model: 'pix2pix', ngf: 32, lr: 0.0001 });
    expect(runOptionsSchema.parse(sent)).toEqual(r.options);
  });

  it('reports the schema problem with the field', () => {
    const r = resolveOptions({ model: 'pix2pix', crop_size: 512, load_size: 286 });
    expect(r).toMatchObject({ ok: false, field: 'crop_size' });
  });
});

describe('estimate', () => {
  it('counts the reference networks’ parameters', () => {
    // Reference parameter counts: U-Net-256 G 54.41 M + PatchGAN D(6 ch) 2.77 M; ResNet-9 G 11.38 M, D 2.76 M (×2 for CycleGAN).
    const pix = networkCost(defaultsFor('pix2pix'));
    expect(pix.params / 1e6).toBeCloseTo(57.18, 0);
    const cyc = networkCost(defaultsFor('cyclegan'));
    expect(cyc.params / 1e6).toBeCloseTo(28.29, 0);
  });

  it('scales with crop size and width, and Quick draft is far cheaper than the paper', () => {
    const big = iterationMacs(defaultsFor('cyclegan'));
    const small = iterationMacs({ ...defaultsFor('cyclegan'), crop_size: 128 });
    expect(big / small).toBeCloseTo(4, 0);
    const q = resolveOptions(PRESETS.find((p) => p.id === 'quick-draft')!.options('unpaired'));
    if (!q.ok) throw new Error('quick draft invalid');
    expect(iterationMacs(q.options)).toBeLessThan(big / 50);
  });

  it('gives per-epoch time from images × per-iteration cost, and a whole-run figure', () => {
    const o = defaultsFor('cyclegan');
    const e = estimateRun(o, 1000, 'node');
    expect(e.iterationsPerEpoch).toBe(1000);
    expect(e.secondsPerEpoch).toBeCloseTo(e.secondsPerIteration * 1000);
    expect(e.epochs).toBe(200);
    expect(e.totalSeconds).toBeCloseTo(e.secondsPerEpoch * 200);
    // calibrated on the bench: CycleGAN ResNet-9 at 256 ≈ 9.4 s per iteration on a 2-thread CPU
    expect(e.secondsPerIteration).toBeGreaterThan(4);
    expect(e.secondsPerIteration).toBeLessThan(20);
    expect(estimateRun(o, 1000, 'gpu').secondsPerEpoch).toBeLessThan(e.secondsPerEpoch / 10);
    expect(e.memoryBytes).toBeGreaterThan(500 * 2 ** 20);
    expect(e.memoryBytes).toBeLessThan(16 * 2 ** 30);
  });

  it('Quick draft trains in minutes on a CPU for a few hundred images', () => {
    const q = resolveOptions(PRESETS.find((p) => p.id === 'quick-draft')!.options('paired'));
    if (!q.ok) throw new Error('quick draft invalid');
    const e = estimateRun(q.options, 200, 'wasm');
    // measured on this studio's wasm backend (2 cores): ≈ 0.8 s per step
    expect(e.secondsPerIteration).toBeGreaterThan(0.4);
    expect(e.secondsPerIteration).toBeLessThan(1.6);
    expect(e.totalSeconds).toBeLessThan(20 * 60);
  });
});
