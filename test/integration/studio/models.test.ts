// Models in and out through the studio, with real job processes: the reference's .pth files are
// imported as runs, translate a folder with the reference's pixels, fine-tune, and leave as ONNX
// and TF.js. Malicious and mismatched files fail with reasons a user can act on.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../../main/api/errors.js';
import type { ModelExport, Run } from '../../../main/api/entities.js';
import { REFERENCE_DIR } from '../../helpers/reference-fixtures.js';
import { finishedExport, trainingStudio } from '../../helpers/training-studio.js';
import { until, unwrap } from '../../unit/studio/helpers.js';

const PTH = join(REFERENCE_DIR, 'pth');
const RESNET = join(PTH, 'resnet6_ngf8_instance.pth');
const UNET_LEGACY = join(PTH, 'unet256_ngf8_batch_legacy.pth');

const t = trainingStudio('tandem-models-', { trainCount: 6, testCount: 2, size: 40 });
let unpairedId: string;
let pairedId: string;

beforeAll(async () => {
  const { studio, demo } = t;
  unpairedId = unwrap(
    await studio.request('projects.create', {
      name: 'Zebras',
      layout: 'unpaired',
      folderA: join(demo.unpaired, 'trainA'),
      folderB: join(demo.unpaired, 'trainB'),
    }),
  ).id;
  pairedId = unwrap(await studio.request('projects.create', { name: 'Facades', layout: 'aligned', folder: join(demo.paired, 'train') })).id;
});

function errorOf<T>(r: ApiResult<T>): { code: string; message: string } {
  if (r.ok) throw new Error('expected the call to fail');
  return r.error;
}

async function settledRun(runId: string): Promise<Run> {
  return until(
    async () => {
      const r = unwrap(await t.studio.request('runs.get', { runId }));
      return ['finished', 'failed', 'stopped', 'interrupted'].includes(r.status) ? r : undefined;
    },
    90_000,
    `run ${runId} to settle`,
  );
}

async function settledModelExport(id: string): Promise<ModelExport> {
  return until(
    async () => {
      const e = unwrap(await t.studio.request('models.getExport', { modelExportId: id }));
      return ['finished', 'failed', 'interrupted', 'stopped'].includes(e.status) ? e : undefined;
    },
    90_000,
    `model export ${id}`,
  );
}

async function rgb(file: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(file).removeAlpha().raw().toBuffer());
}

function maxLevelDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('models in and out of the studio', () => {
  it('imports a reference generator (zip format) as a run whose export gives the reference pixels', async () => {
    const run = unwrap(await t.studio.request('models.import', { projectId: unpairedId, file: RESNET }));
    expect(run).toMatchObject({ origin: 'imported', name: 'resnet6_ngf8_instance' });
    expect(['queued', 'starting']).toContain(run.status);
    const done = await settledRun(run.id);
    expect(done.statusReason).toBeNull();
    expect(done.status).toBe('finished');
    expect(done.imported).toMatchObject({
      generators: 1,
      format: 'zip',
      netG: 'resnet_6blocks',
      ngf: 8,
      norm: 'instance',
      params: 124931,
      files: [RESNET],
    });
    expect(done.options).toMatchObject({ netG: 'resnet_6blocks', ngf: 8, norm: 'instance' });
    const [ckpt] = unwrap(await t.studio.request('checkpoints.list', { runId: run.id }));
    expect(ckpt).toMatchObject({ kind: 'imported', fileName: 'model.tandem', reason: 'imported' });

    const input = join(t.dir, 'to-translate');
    await mkdir(input);
    await copyFile(join(PTH, 'resnet6_ngf8_instance.in.png'), join(input, 'photo.png'));
    const exp = unwrap(await t.studio.request('exports.start', { runId: run.id, inputDir: input, format: 'png' }));
    const finished = await finishedExport(() => t.studio.request('exports.get', { exportId: exp.id }));
    const out = await rgb(join(finished.outputDir, 'photo.png'));
    expect(maxLevelDiff(out, await rgb(join(PTH, 'resnet6_ngf8_instance.out.png')))).toBeLessThanOrEqual(1);

    // One generator translates one way; asking for the other is refused before any job starts.
    const back = errorOf(await t.studio.request('models.export', { runId: run.id, format: 'onnx', direction: 'BtoA' }));
    expect(back).toMatchObject({ code: 'invalid-input' });
    expect(back.message).toMatch(/one generator, which translates A→B only/);
    // Resuming is for training runs.
    expect(errorOf(await t.studio.request('runs.resume', { runId: run.id })).message).toMatch(/imported model.*fine-tune/);
    // A CycleGAN fine-tunes both generators: one is not enough.
    const single = errorOf(await t.studio.request('runs.start', { projectId: unpairedId, initFrom: { runId: run.id } }));
    expect(single.message).toMatch(/holds one generator.*import the pair/);
  });

  it('exports an imported legacy-format model as ONNX that onnxruntime runs to the reference pixels, and as TF.js', async () => {
    const run = unwrap(await t.studio.request('models.import', { projectId: pairedId, file: UNET_LEGACY, name: 'facades' }));
    const done = await settledRun(run.id);
    expect(done.imported).toMatchObject({ format: 'legacy', netG: 'unet_256', norm: 'batch', generators: 1 });

    const onnxJob = unwrap(await t.studio.request('models.export', { runId: run.id, format: 'onnx' }));
    expect(onnxJob.outputPath).toMatch(/models[\\/]facades-[a-z0-9]{6}\.onnx$/);
    const onnx = await settledModelExport(onnxJob.id);
    expect(onnx.statusReason).toBeNull();
    expect(onnx).toMatchObject({ status: 'finished', files: [onnxJob.outputPath] });

    const px = await rgb(join(PTH, 'unet256_ngf8_batch_legacy.in.png'));
    const hw = 256 * 256;
    const x = new Float32Array(3 * hw);
    for (let i = 0; i < hw; i++) for (let c = 0; c < 3; c++) x[c * hw + i] = (px[i * 3 + c]! / 255) * 2 - 1;
    const session = await ort.InferenceSession.create(onnx.outputPath);
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, [1, 3, 256, 256]) });
    const y = result[session.outputNames[0]!]!.data as Float32Array;
    const img = new Uint8Array(3 * hw);
    for (let i = 0; i < hw; i++) for (let c = 0; c < 3; c++) img[i * 3 + c] = Math.floor(((y[c * hw + i]! + 1) / 2) * 255);
    expect(maxLevelDiff(img, await rgb(join(PTH, 'unet256_ngf8_batch_legacy.out.png')))).toBeLessThanOrEqual(1);
    await session.release();

    const target = join(t.dir, 'web', 'facades');
    const tfjs = await settledModelExport(
      unwrap(await t.studio.request('models.export', { runId: run.id, format: 'tfjs', outputPath: target })).id,
    );
    expect(tfjs.status).toBe('finished');
    expect(readdirSync(target)).toEqual(expect.arrayContaining(['model.json', 'index.html']));
    expect(tfjs.files).toContain(join(target, 'model.json'));
    // Nothing is overwritten: the same target again is refused up front.
    expect(errorOf(await t.studio.request('models.export', { runId: run.id, format: 'tfjs', outputPath: target })).message).toMatch(
      /already exists/,
    );
    expect(unwrap(await t.studio.request('models.exports', { projectId: pairedId })).map((e) => e.id)).toEqual([onnxJob.id, tfjs.id]);
  });

  it('imports a CycleGAN pair and fine-tunes it on the project, keeping its architecture', async () => {
    // Any same-shaped generator serves as G_B here; the zoo ships latest_net_G_A.pth and _G_B.pth.
    const gB = join(t.dir, 'latest_net_G_B.pth');
    await copyFile(RESNET, gB);
    const pair = unwrap(await t.studio.request('models.import', { projectId: unpairedId, file: RESNET, pairWith: gB, name: 'pair' }));
    const imported = await settledRun(pair.id);
    expect(imported.imported).toMatchObject({ generators: 2, files: [RESNET, gB], params: 2 * 124931 });

    // The architecture comes from the imported weights; asking for another is refused.
    const clash = errorOf(
      await t.studio.request('runs.start', { projectId: unpairedId, initFrom: { runId: pair.id }, options: { ngf: 16 } }),
    );
    expect(clash).toMatchObject({ code: 'invalid-input' });
    expect(clash.message).toMatch(/options\.ngf: a fine-tuned run keeps the architecture of "pair" \(ngf 8\)/);

    const logs: string[] = [];
    const off = t.studio.subscribe((e) => {
      if (e.event === 'run.log') logs.push(e.data.line);
    });
    const tune = unwrap(
      await t.studio.request('runs.start', {
        projectId: unpairedId,
        name: 'fine-tune',
        initFrom: { runId: pair.id },
        options: { ndf: 4, load_size: 36, crop_size: 32, n_epochs: 1, n_epochs_decay: 0, lr: 0.0001 },
        schedule: { sampleEvery: 0, checkpointEvery: 0, saveEpochFreq: 0, numSamples: 0 },
      }),
    );
    expect(tune.options).toMatchObject({ netG: 'resnet_6blocks', ngf: 8, norm: 'instance', lr: 0.0001 });
    expect(tune.startedFrom).toMatchObject({ runId: pair.id, runName: 'pair', fileName: 'model.tandem' });
    const trained = await settledRun(tune.id);
    off();
    expect(trained.statusReason).toBeNull();
    expect(trained.status).toBe('finished');
    expect(trained.totalIters).toBe(6);
    expect(logs.some((l) => /starting from G_A, G_B of model\.tandem .*discriminators and optimisers start fresh/.test(l))).toBe(true);
    // Fine-tuning a pair in a paired (pix2pix) project makes no sense and says so.
    const wrongProject = errorOf(await t.studio.request('runs.start', { projectId: pairedId, initFrom: { runId: pair.id } }));
    expect(wrongProject.message).toMatch(/belongs to another project/);
  });

  it('refuses a malicious pickle without running it, and says why on the run', async () => {
    const marker = join(t.dir, 'pwned');
    const evil = join(t.dir, 'evil.pth');
    const cmd = new TextEncoder().encode(`touch ${marker}`);
    await writeFile(
      evil,
      Uint8Array.from([0x80, 2, 0x63, ...new TextEncoder().encode('os\nsystem\n'), 0x8c, cmd.length, ...cmd, 0x85, 0x52, 0x2e]),
    );
    const run = unwrap(await t.studio.request('models.import', { projectId: unpairedId, file: evil }));
    const failed = await settledRun(run.id);
    expect(failed.status).toBe('failed');
    expect(failed.statusReason).toMatch(/refusing to load: the file asks for os\.system/);
    expect(existsSync(marker)).toBe(false);
    expect(unwrap(await t.studio.request('checkpoints.list', { runId: run.id }))).toEqual([]);
  });

  it('checks files before starting a job: missing, not a .pth, the same file twice', async () => {
    expect(errorOf(await t.studio.request('models.import', { projectId: unpairedId, file: join(t.dir, 'nope.pth') }))).toMatchObject({
      code: 'not-found',
    });
    expect(
      errorOf(await t.studio.request('models.import', { projectId: unpairedId, file: join(PTH, 'resnet6_ngf8_instance.json') })).message,
    ).toMatch(/\.pth or \.pt/);
    const twice = errorOf(
      await t.studio.request('models.import', { projectId: unpairedId, file: RESNET, pairWith: RESNET.replace('resnet6', './resnet6') }),
    );
    expect(twice.message).toMatch(/same file was given twice/);
  });
});
