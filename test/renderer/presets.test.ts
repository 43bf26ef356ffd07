import { describe, expect, it } from 'vitest';
import { runOptionsSchema } from '../../main/api/run-options.js';
import { estimateRun, iterationMacs, networkCost } from '../../main/api/run-estimate.js';
import { durationWords, presetDuration, presetEstimate, type PresetRun } from '../../renderer/src/lib/stores/estimate.js';
import { optionFields } from '../../renderer/src/lib/stores/option-fields.js';
import {
  PRESETS,
  changedOptions,
  defaultsFor,
  epochCount,
  modelFor,
  presetForModel,
  presetOptions,
  presetsFor,
  resolveOptions,
} from '../../renderer/src/lib/stores/presets.js';

describe('presets', () => {
  it('every preset gives options the run-options schema accepts, for every project kind it applies to', () => {
    for (const p of PRESETS) {
      for (const kind of p.kinds) {
        for (const model of kind === 'paired' ? (['pix2pix'] as const) : (['cyclegan', 'cut'] as const)) {
          const input = p.options(kind, model);
          const r = runOptionsSchema.safeParse(input);
          expect(r.success, `${p.id}/${kind}/${model}: ${r.success ? '' : r.error.message}`).toBe(true);
          expect(input.model).toBe(p.model ?? model);
        }
      }
    }
  });

  it('offers pix2pix to paired projects, CycleGAN and FastCUT to unpaired ones, and Quick draft to both', () => {
    expect(presetsFor('paired').map((p) => p.id)).toEqual(['pix2pix-paper', 'quick-draft']);
    expect(presetsFor('unpaired').map((p) => p.id)).toEqual(['cyclegan-paper', 'fastcut', 'quick-draft']);
    expect([modelFor('paired'), modelFor('unpaired')]).toEqual(['pix2pix', 'cyclegan']);
  });

  it('Fast style is FastCUT as the CUT repository defines it: λ_NCE 10, no identity NCE, flips, 150 + 50 epochs, xavier', () => {
    const fast = PRESETS.find((p) => p.id === 'fastcut')!;
    expect(fast.label).toBe('Fast style — FastCUT');
    expect(presetOptions(fast, 'unpaired')).toMatchObject({
      model: 'cut',
      CUT_mode: 'FastCUT',
      lambda_NCE: 10,
      nce_idt: false,
      flip_equivariance: true,
      n_epochs: 150,
      n_epochs_decay: 50,
      init_type: 'xavier',
      netG: 'resnet_9blocks',
    });
    // Only the mode is sent: the engine fills in the mode's defaults.
    expect(changedOptions(presetOptions(fast, 'unpaired'))).toEqual({ model: 'cut', CUT_mode: 'FastCUT' });
  });

  it('Quick draft trains the model chosen; changing the model keeps a preset that trains it, else takes the model’s own', () => {
    const quick = PRESETS.find((p) => p.id === 'quick-draft')!;
    expect(presetOptions(quick, 'unpaired', 'cut')).toMatchObject({ model: 'cut', CUT_mode: 'CUT', ngf: 16, crop_size: 128 });
    expect(presetForModel('unpaired', 'quick-draft', 'cut')).toBe('quick-draft');
    expect(presetForModel('unpaired', 'cyclegan-paper', 'cut')).toBe('fastcut');
    expect(presetForModel('unpaired', 'fastcut', 'cyclegan')).toBe('cyclegan-paper');
    expect(presetForModel('unpaired', 'fastcut', 'cut')).toBe('fastcut');
  });

  it('the paper presets are the reference defaults', () => {
    const pix = resolveOptions(PRESETS.find((p) => p.id === 'pix2pix-paper')!.options('paired', 'pix2pix'));
    expect(pix.ok && pix.options).toMatchObject({
      netG: 'unet_256',
      netD: 'basic',
      norm: 'batch',
      gan_mode: 'vanilla',
      lambda_L1: 100,
      load_size: 286,
      crop_size: 256,
      n_epochs: 100,
      n_epochs_decay: 100,
    });
    const cyc = resolveOptions(PRESETS.find((p) => p.id === 'cyclegan-paper')!.options('unpaired', 'cyclegan'));
    expect(cyc.ok && cyc.options).toMatchObject({
      netG: 'resnet_9blocks',
      norm: 'instance',
      gan_mode: 'lsgan',
      lambda_A: 10,
      lambda_identity: 0.5,
      pool_size: 50,
    });
  });

  it('Quick draft is small: resnet_6blocks, ngf/ndf 16, 128 crops from 143, few epochs', () => {
    const q = resolveOptions(PRESETS.find((p) => p.id === 'quick-draft')!.options('unpaired', 'cyclegan'));
    expect(q.ok && q.options).toMatchObject({ netG: 'resnet_6blocks', ngf: 16, ndf: 16, crop_size: 128, load_size: 143 });
    expect(q.ok && epochCount(q.options)).toBeLessThanOrEqual(20);
  });

  it('every option of each model has a one-line explanation and a valid control', () => {
    for (const model of ['pix2pix', 'cyclegan', 'cut'] as const) {
      const fields = optionFields(model);
      for (const d of fields) {
        expect(d.help.length).toBeGreaterThan(10);
        expect(d.help).not.toContain('\n');
        // CUT's netF keeps the official option, of whose projections Tandem implements one.
        if (d.kind === 'choice' && !(model === 'cut' && d.key === 'netF')) expect(d.choices.length, `${d.key} choices`).toBeGreaterThan(1);
      }
      // the default of each choice is one of its choices
      const defaults = defaultsFor(model) as unknown as Record<string, unknown>;
      for (const d of fields) if (d.kind === 'choice') expect(d.choices).toContain(defaults[d.key]);
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
    const q = resolveOptions(PRESETS.find((p) => p.id === 'quick-draft')!.options('unpaired', 'cyclegan'));
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

  it('is calibrated on a measured Quick-draft pix2pix step of the wasm backend', () => {
    const q = resolveOptions(PRESETS.find((p) => p.id === 'quick-draft')!.options('paired', 'pix2pix'));
    if (!q.ok) throw new Error('quick draft invalid');
    const e = estimateRun(q.options, 200, 'wasm');
    // measured on this studio's wasm backend (2 cores): ≈ 0.8 s per step
    expect(e.secondsPerIteration).toBeGreaterThan(0.4);
    expect(e.secondsPerIteration).toBeLessThan(1.6);
    expect(e.totalSeconds).toBeLessThan(20 * 60);
  });
});

describe('preset texts', () => {
  const quick = PRESETS.find((p) => p.id === 'quick-draft')!;

  it('claim no duration of their own: what they train, from their options, and the time from the estimate', () => {
    for (const p of PRESETS) {
      for (const kind of p.kinds) {
        const o = presetOptions(p, kind, p.model ?? modelFor(kind));
        const text = p.blurb(o);
        expect(text, `${p.id}/${kind}`).not.toMatch(/second|minute|hour|day|fast|quick|CPU|GPU/i);
        expect(text).toContain(`${epochCount(o)} epochs`);
      }
    }
    expect(quick.blurb(presetOptions(quick, 'unpaired'))).toBe(
      'A small network (width 16) on 128 px crops for 5 epochs: a rough first result.',
    );
  });

  it('say how long the preset takes for the project’s images on the chosen backend, in words that follow the estimate', () => {
    // The case of the issue: a CycleGAN Quick draft of 200 images on wasm is estimated at ~52 minutes.
    const unpaired = (images: number, backend: PresetRun['backend'], model?: PresetRun['model']): PresetRun => ({
      kind: 'unpaired',
      images,
      backend,
      model,
    });
    const wasm = presetEstimate(quick, unpaired(200, 'wasm'));
    expect(wasm.totalSeconds / 60).toBeGreaterThan(45);
    expect(wasm.totalSeconds / 60).toBeLessThan(60);
    expect(presetDuration(quick, unpaired(200, 'wasm'))).toBe('About 50 minutes for 200 images on the wasm backend (estimate).');
    expect(presetDuration(quick, unpaired(200, 'gpu'))).toMatch(/^About [2-9] minutes for 200 images on the gpu backend/);
    expect(presetDuration(quick, unpaired(2000, 'cpu'))).toMatch(/^About \d+ hours for 2,000 images on the cpu backend/);
    expect(
      presetDuration(
        PRESETS.find((p) => p.id === 'cyclegan-paper')!,
        unpaired(1000, 'wasm'),
      ),
    ).toMatch(/^About \d+ days for 1,000 images/);
    // FastCUT: one generator pass forward and back instead of four, over as many epochs as CycleGAN's 100 + 100.
    const fast = presetEstimate(
      PRESETS.find((p) => p.id === 'fastcut')!,
      unpaired(1000, 'wasm'),
    );
    const cycle = presetEstimate(
      PRESETS.find((p) => p.id === 'cyclegan-paper')!,
      unpaired(1000, 'wasm'),
    );
    expect(fast.totalSeconds / cycle.totalSeconds).toBeLessThan(0.5);
    expect(presetDuration(quick, unpaired(200, 'wasm', 'cut'))).not.toBe(presetDuration(quick, unpaired(200, 'wasm', 'cyclegan')));
  });

  it('round durations as an estimate should be said', () => {
    expect([20, 70, 6 * 60, 52 * 60, 57 * 60, 100 * 60, 5 * 3600, 40 * 3600, 30 * 86400].map(durationWords)).toEqual([
      'under a minute',
      'about a minute',
      'about 6 minutes',
      'about 50 minutes',
      'about an hour',
      'about 2 hours',
      'about 5 hours',
      'about 2 days',
      'about 30 days',
    ]);
  });
});
