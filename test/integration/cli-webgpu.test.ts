// `tandem train` and `tandem translate` on the webgpu backend, in real CLI processes, on SwiftShader.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpointOptions } from '../../main/gan/models/model-checkpoint.js';
import { runCli } from '../helpers/run-cli.js';
import { swiftShaderEnv, swiftShaderSkipReason } from '../helpers/webgpu-backend.js';
import { PTH_DIR, readNpy, readPngRgb } from '../unit/io/helpers.js';

const skip = swiftShaderSkipReason();
const dir = mkdtempSync(path.join(tmpdir(), 'tandem-cli-webgpu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const onWebgpu = () => ({ ...swiftShaderEnv(), TANDEM_BACKEND: 'webgpu' });
const SOFTWARE_LINE = 'backend: webgpu (SwiftShader driver 5.0.0, vulkan, software) — requested via TANDEM_BACKEND=webgpu';
// Two images of 32 px, one epoch: a few steps, each seconds long on SwiftShader.
const tiny = ['--ngf', '4', '--ndf', '4', '--netG', 'resnet_6blocks', '--load_size', '32', '--crop_size', '32', '--num_samples', '1'];

describe.skipIf(skip)(`tandem on webgpu (SwiftShader)${skip ? ` (skipped: ${skip})` : ''}`, { timeout: 600_000 }, () => {
  beforeAll(async () => {
    const r = await runCli(['demo', 'data', '--train_count', '2', '--test_count', '1', '--size', '32'], dir);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    ['cyclegan', ['--model', 'cyclegan', '--dataroot', 'data/unpaired']],
    ['pix2pix', ['--model', 'pix2pix', '--dataroot', 'data/paired']],
    // CUT's own kernels (blur pools, the patch gather, PatchNCE) and FastCUT's flips.
    ['fastcut', ['--model', 'cut', '--CUT_mode', 'FastCUT', '--dataroot', 'data/unpaired', '--netF_nc', '8', '--num_patches', '8']],
  ])('TANDEM_BACKEND=webgpu trains a tiny %s, and the run resumes on wasm', async (name, model) => {
    const train = ['train', ...model, '--name', name, ...tiny, '--display_freq', '2'];
    const r = await runCli([...train, '--n_epochs', '1', '--n_epochs_decay', '0'], dir, onWebgpu());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(SOFTWARE_LINE);
    expect(r.stderr).toMatch(/finished 1 epochs \(2 images\)/);
    const run = path.join(dir, 'checkpoints', name);
    expect(readdirSync(path.join(run, 'samples'))).toEqual(['iter_00000000.png', 'iter_00000002.png']);
    // A checkpoint written on webgpu continues on another backend.
    const resumed = await runCli([...train, '--resume', '--n_epochs', '2'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/backend: wasm/);
    const { progress } = await readCheckpointOptions(path.join(run, 'latest.tandem'));
    expect(progress.totalIters).toBe(4);
  });

  it('refuses, before writing anything, a crop whose widest tensor the GPU cannot hold', async () => {
    const r = await runCli(
      ['train', '--model', 'cyclegan', '--dataroot', 'data/unpaired', '--name', 'huge', '--load_size', '4096', '--crop_size', '4096'],
      dir,
      onWebgpu(),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      'CycleGAN resnet_9blocks at crop 4096 needs a 4096 MB tensor; SwiftShader driver 5.0.0 takes at most 1024 MB in one: use --crop_size 2048 or smaller',
    );
    expect(existsSync(path.join(dir, 'checkpoints', 'huge'))).toBe(false);
  });

  it("translate --engine tfjs --backend webgpu gives an imported reference generator's pixels", async () => {
    const name = 'resnet6_ngf8_instance';
    const imported = await runCli(['import-model', path.join(PTH_DIR, `${name}.pth`), '--out', 'ref.tandem'], dir);
    expect(imported.code, imported.stderr).toBe(0);
    mkdirSync(path.join(dir, 'photos'));
    copyFileSync(path.join(PTH_DIR, `${name}.in.png`), path.join(dir, 'photos', 'in.png'));
    const env = swiftShaderEnv();
    const r = await runCli(
      ['translate', '--model', 'ref.tandem', '--input', 'photos', '--output', 'out', '--engine', 'tfjs', '--backend', 'webgpu'],
      dir,
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      "engine: tfjs (webgpu) — backend: webgpu (SwiftShader driver 5.0.0, vulkan, software) — requested via argument 'webgpu'",
    );
    expect(existsSync(path.join(dir, 'out', 'in.png'))).toBe(true);

    // The reference's float output, written as Tandem writes images (rounded; the reference's own
    // PNG truncates, which alone puts half its pixels one level lower).
    const got = await readPngRgb(path.join(dir, 'out', 'in.png'));
    const npy = readNpy(path.join(PTH_DIR, `${name}.out.npy`));
    const [c, h, w] = npy.shape.slice(-3) as [number, number, number];
    expect([got.width, got.height]).toEqual([w, h]);
    let worst = 0;
    let sum = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) {
          const want = Math.min(255, Math.max(0, Math.round(((npy.data[(k * h + y) * w + x]! + 1) / 2) * 255)));
          const d = Math.abs(got.pixels[(y * w + x) * 3 + k]! - want);
          worst = Math.max(worst, d);
          sum += d;
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(sum / (w * h * c)).toBeLessThanOrEqual(0.05);
  });
});
