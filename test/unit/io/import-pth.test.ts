import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCycleGanPair, importPthModel, loadPthGenerator, PthImportError } from '../../../main/gan/io/import-pth.js';
import { loadTranslator } from '../../../main/gan/models/generator-file.js';
import { translateBatch } from '../../../main/gan/models/inference.js';
import { loadModelCheckpoint } from '../../../main/gan/models/model-checkpoint.js';
import { defineG } from '../../../main/gan/networks/define.js';
import { readTorchCheckpoint } from '../../../main/gan/io/torch-checkpoint.js';
import { tf } from '../../../main/gan/tf.js';
import { useTestBackend } from '../../helpers/backend.js';
import { disposePairs, syntheticPairs } from '../../helpers/synthetic-batches.js';
import { fakeEntries, makeLegacyCheckpoint, makeZipCheckpoint, PTH_DIR, readNpy, readPngRgb } from './helpers.js';

let dir: string;
beforeAll(async () => {
  await useTestBackend();
  dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES = [
  { name: 'resnet6_ngf8_instance', format: 'zip', arch: { netG: 'resnet_6blocks', ngf: 8, norm: 'instance', inputNc: 3, outputNc: 3 } },
  { name: 'unet256_ngf8_batch_legacy', format: 'legacy', arch: { netG: 'unet_256', ngf: 8, norm: 'batch', inputNc: 3, outputNc: 3 } },
] as const;

describe("importing the reference's .pth generators", () => {
  it.each(CASES)(
    '$name ($format): architecture inferred, output as the reference within 1e-4 and 1 level',
    async ({ name, format, arch }) => {
      const meta = JSON.parse(readFileSync(path.join(PTH_DIR, `${name}.json`), 'utf8')) as { params: number; keys: number };
      const out = path.join(dir, `${name}.tandem`);
      const r = await importPthModel(path.join(PTH_DIR, `${name}.pth`), out);
      expect(r.format).toBe(format);
      expect(r.arch).toMatchObject(arch);
      expect(r.params).toBe(meta.params);
      expect(r.keys).toBe(meta.keys);

      const t = await loadTranslator(out);
      expect(t.description).toContain('pytorch');
      const png = await readPngRgb(path.join(PTH_DIR, `${name}.in.png`));
      const ref = await readPngRgb(path.join(PTH_DIR, `${name}.out.png`));
      const npy = readNpy(path.join(PTH_DIR, `${name}.out.npy`));
      const { floatDiff, levels } = tf.tidy(() => {
        const x = tf.sub(
          tf.mul(tf.div(tf.tensor4d(Float32Array.from(png.pixels), [1, png.height, png.width, 3]), 255), 2),
          1,
        ) as tf.Tensor4D;
        const y = translateBatch(t.net, t.arch.netG, x, { mode: 'eval' });
        const expected = tf.transpose(tf.tensor4d(npy.data, [1, ...npy.shape.slice(-3)] as [number, number, number, number]), [0, 2, 3, 1]);
        const floatDiff = tf.max(tf.abs(tf.sub(y, expected))).dataSync()[0]!;
        const img = tf.floor(tf.mul(tf.div(tf.add(y, 1), 2), 255));
        const levels = tf
          .max(tf.abs(tf.sub(img, tf.tensor4d(Float32Array.from(ref.pixels), [1, ref.height, ref.width, 3]))))
          .dataSync()[0]!;
        return { floatDiff, levels };
      });
      t.net.dispose();
      expect(floatDiff).toBeLessThan(1e-4);
      expect(levels).toBeLessThanOrEqual(1);
    },
  );

  it('refuses an explicit netG that does not fit, listing the keys', async () => {
    const file = path.join(PTH_DIR, 'resnet6_ngf8_instance.pth');
    const err = await loadPthGenerator(file, { netG: 'resnet_9blocks' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PthImportError);
    expect((err as Error).message).toMatch(
      /resnet6_ngf8_instance\.pth does not fit a resnet_9blocks generator \(ngf 8, norm instance\) with netG=resnet_9blocks as given/,
    );
    expect((err as Error).message).toMatch(/missing keys: model\.16\.conv_block\.1\.weight.*unexpected keys: model\.16\.weight/);
    expect((err as PthImportError).unexpected).toContain('model.16.weight');

    const unet = path.join(PTH_DIR, 'unet256_ngf8_batch_legacy.pth');
    await expect(loadPthGenerator(unet, { netG: 'unet_128' })).rejects.toThrow(
      /does not fit a unet_128 generator.*unexpected keys: model\.model\.1\.model\.3\.model\.3/,
    );
    await expect(loadPthGenerator(unet, { norm: 'instance' })).rejects.toThrow(
      /norm=instance as given: missing keys: model\.model\.0\.bias/,
    );
  });

  it('reads a DataParallel checkpoint wrapped in {"state_dict"} (zip) and the same weights in the legacy format', async () => {
    const ref = await loadPthGenerator(path.join(PTH_DIR, 'resnet6_ngf8_instance.pth'));
    const entries = fakeEntries(await ref.net.torchStateDict()).map(([k, t]): [string, typeof t] => [`module.${k}`, t]);
    const zipFile = path.join(dir, 'dp.pth');
    writeFileSync(zipFile, makeZipCheckpoint(entries, 'state_dict'));
    const legacyFile = path.join(dir, 'dp-legacy.pth');
    writeFileSync(legacyFile, makeLegacyCheckpoint(entries));
    for (const file of [zipFile, legacyFile]) {
      const g = await loadPthGenerator(file);
      expect(g.arch).toEqual(ref.arch);
      expect(g.notes.join('\n')).toContain("removed the 'module.' prefix");
      const x = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
      const diff = tf.tidy(
        () => tf.max(tf.abs(tf.sub(translateBatch(g.net, g.arch.netG, x), translateBatch(ref.net, ref.arch.netG, x)))).dataSync()[0]!,
      );
      expect(diff).toBe(0);
      x.dispose();
      g.net.dispose();
    }
    ref.net.dispose();
  });

  it('infers norm none, batch and dropout for ResNets; drops pre-0.4 InstanceNorm statistics', async () => {
    const cases = [
      { netG: 'resnet_9blocks', norm: 'none', useDropout: true },
      { netG: 'resnet_6blocks', norm: 'batch', useDropout: false },
      { netG: 'unet_128', norm: 'instance', useDropout: true },
    ] as const;
    for (const c of cases) {
      const g = defineG('G', { ...c, inputNc: 1, outputNc: 2, ngf: 4 }, null);
      const file = path.join(dir, `${c.netG}-${c.norm}.pth`);
      writeFileSync(file, makeZipCheckpoint(fakeEntries(await g.torchStateDict())));
      g.dispose();
      const got = await loadPthGenerator(file);
      expect(got.arch).toEqual({ ...c, inputNc: 1, outputNc: 2, ngf: 4 });
      got.net.dispose();
    }
    // A 2017 CycleGAN: instance norm layers saved with running stats (PyTorch < 0.4 tracked them).
    const g = defineG('G', { netG: 'resnet_6blocks', norm: 'instance', useDropout: false, inputNc: 3, outputNc: 3, ngf: 4 }, null);
    const entries = fakeEntries(await g.torchStateDict());
    g.dispose();
    entries.push(['model.2.running_mean', { dtype: 'float32', shape: [4], storage: [0, 0, 0, 0] }]);
    entries.push(['model.2.running_var', { dtype: 'float32', shape: [4], storage: [1, 1, 1, 1] }]);
    const file = path.join(dir, 'old-instance.pth');
    writeFileSync(file, makeLegacyCheckpoint(entries));
    const old = await loadPthGenerator(file);
    expect(old.arch.norm).toBe('instance');
    expect(old.notes.join('\n')).toContain('dropped 2 InstanceNorm running statistics');
    old.net.dispose();
  });

  it('says clearly when a file is no generator', async () => {
    const file = path.join(dir, 'other.pth');
    writeFileSync(file, makeZipCheckpoint([['fc.weight', { dtype: 'float32', shape: [2, 2], storage: [1, 2, 3, 4] }]]));
    await expect(loadPthGenerator(file)).rejects.toThrow(
      /not those of a pytorch-CycleGAN-and-pix2pix generator .*fc\.weight.*give netG, ngf and norm/,
    );
    expect(() => readTorchCheckpoint(new Uint8Array(0), 'empty.pth')).toThrow(/empty\.pth: the file is empty/);
  });
});

describe('importing a CycleGAN pair', () => {
  it('builds a training checkpoint from G_A and G_B that trains on', async () => {
    const a = path.join(PTH_DIR, 'resnet6_ngf8_instance.pth');
    const out = path.join(dir, 'pair.tandem');
    const r = await importCycleGanPair(a, a, out, { crop_size: 32, load_size: 32, ndf: 8 });
    expect(r.archA.netG).toBe('resnet_6blocks');
    const ref = await loadPthGenerator(a);
    const { model, progress } = await loadModelCheckpoint(out);
    expect(progress).toEqual({ epoch: 1, epochIter: 0, totalIters: 0 });
    expect(model.options).toMatchObject({ model: 'cyclegan', netG: 'resnet_6blocks', ngf: 8, norm: 'instance', ndf: 8 });
    const before = (await model.networks().get('G_B')!.torchStateDict()).get('model.1.weight')!.data;
    expect(before).toEqual((await ref.net.torchStateDict()).get('model.1.weight')!.data);
    const [pair] = syntheticPairs(1, 32, 3);
    model.setInput(pair!);
    await model.optimizeParameters();
    const losses = model.currentLosses();
    expect(Object.values(losses).every(Number.isFinite)).toBe(true);
    const after = (await model.networks().get('G_B')!.torchStateDict()).get('model.1.weight')!.data;
    expect(after).not.toEqual(before);
    disposePairs([pair!]);
    model.dispose();
    ref.net.dispose();
  });

  it('refuses two generators that are not a pair', async () => {
    await expect(
      importCycleGanPair(
        path.join(PTH_DIR, 'resnet6_ngf8_instance.pth'),
        path.join(PTH_DIR, 'unet256_ngf8_batch_legacy.pth'),
        path.join(dir, 'x.tandem'),
      ),
    ).rejects.toThrow(/not a CycleGAN pair: netG resnet_6blocks vs unet_256, norm instance vs batch/);
  });
});
