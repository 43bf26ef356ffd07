import { beforeAll, describe } from 'vitest';
import { cutGeneratorParityTest, cutTiledTranslationParityTest } from '../../helpers/parity/cut-generator-parity.js';
import { cutStepParityTests } from '../../helpers/parity/cut-step-parity.js';
import { cycleganStepParityTest } from '../../helpers/parity/cyclegan-step-parity.js';
import { networkParityTests } from '../../helpers/parity/network-parity.js';
import { pix2pixStepParityTest } from '../../helpers/parity/pix2pix-step-parity.js';
import { swiftShaderSkipReason, useSwiftShaderBackend } from '../../helpers/webgpu-backend.js';
import { TOLERANCE as WASM_CUT_TOLERANCE } from '../cut/step-compare.js';

const skip = swiftShaderSkipReason();

/**
 * The reference fixtures on tfjs-backend-webgpu (SwiftShader: the same WGSL programs a GPU runs,
 * executed exactly as float32). GPU programs sum in another order than PyTorch's CPU loops (tiled
 * matmuls, workgroup tree reductions for the instance-norm means), so results differ by float32
 * rounding, which grows with the number of terms summed and the layers it passes through. Measured
 * here: ResNet output 1.8e-6, PatchGAN 5e-7, the CycleGAN step's images 8e-6 (two generators deep)
 * and its losses 2e-7 relative — the size of PyTorch's own spread across thread counts (1.5e-6).
 * The bounds are 10× those: loose enough for any summation order, and still 100× below what a
 * wrong kernel does (a missing border gradient, a shifted tap: ≥ 1e-3 on these outputs). The
 * post-step weight and gradient checks keep the wasm tests' bounds, which already allow for Adam's
 * sign flips on near-zero gradients.
 */
// SwiftShader runs tfjs's tiled-matmul convolutions slowly (~30 s of CPU for the CycleGAN step).
const SLOW = { timeout: 600_000 };

/**
 * CUT (test/fixtures/cut, the official code) on the same programs plus its own: depthwise blur
 * pools, bilinear ×2 with half-pixel centres, the patch gather and PatchNCE's matmuls. Measured
 * here: the official generator's output 2.4e-6, whole or in exact 16 px tiles (2.1e-6) — float32
 * against the official float64, as on wasm (2.5e-6). The CUT and FastCUT steps (worse of the two;
 * wasm's in brackets): losses and per-layer NCE means 5.4e-6 relative (1.6e-6), fake_B and idt_B
 * 2.0e-7 (1.6e-7), D's outputs 9.3e-10 (1.3e-9; they are ~1e-4), gradients' abs_sum 9.4e-6
 * (5.2e-6), sum 5.4e-6 (4.3e-6) and first five 9.3e-6 (1.4e-5) relative, and no weight stepping
 * the other way. The bounds are ~10× those; the flips keep wasm's budget. On a busy 2-core machine
 * the two step checks take ~60 s after the tests above compiled most shaders (~130 s alone), and
 * one CUT step at 64 px ~15 s once compiled (FastCUT ~8 s).
 */
const CUT_STEP = {
  lossRel: 5e-5,
  visual: 2e-6,
  dOutput: 1e-8,
  grad: { gradAbsSum: 1e-4, gradSum: 5e-5, gradFirst5: 1e-4, flipsPerTensor: WASM_CUT_TOLERANCE.flipsPerTensor },
};

describe.skipIf(skip)(`the reference fixtures on webgpu (SwiftShader)${skip ? ` (skipped: ${skip})` : ''}`, SLOW, () => {
  beforeAll(async () => {
    await useSwiftShaderBackend();
  });

  describe('networks', () => networkParityTests({ output: 2e-5 }));
  describe('one CycleGAN step', () => cycleganStepParityTest({ visual: 1e-4, lossRel: 2e-6 }));
  describe('one pix2pix step', () => pix2pixStepParityTest({ visual: 1e-4, lossRel: 2e-6 }));
  describe('the CUT generator', () => {
    cutGeneratorParityTest({ output: 3e-5 });
    cutTiledTranslationParityTest({ output: 3e-5 });
  });
  describe('one CUT step', () => cutStepParityTests(CUT_STEP));
});
