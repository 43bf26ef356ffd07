import { beforeAll, describe } from 'vitest';
import { cycleganStepParityTest } from '../../helpers/parity/cyclegan-step-parity.js';
import { networkParityTests } from '../../helpers/parity/network-parity.js';
import { pix2pixStepParityTest } from '../../helpers/parity/pix2pix-step-parity.js';
import { swiftShaderSkipReason, useSwiftShaderBackend } from '../../helpers/webgpu-backend.js';

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

describe.skipIf(skip)(`the reference fixtures on webgpu (SwiftShader)${skip ? ` (skipped: ${skip})` : ''}`, SLOW, () => {
  beforeAll(async () => {
    await useSwiftShaderBackend();
  });

  describe('networks', () => networkParityTests({ output: 2e-5 }));
  describe('one CycleGAN step', () => cycleganStepParityTest({ visual: 1e-4, lossRel: 2e-6 }));
  describe('one pix2pix step', () => pix2pixStepParityTest({ visual: 1e-4, lossRel: 2e-6 }));
});
