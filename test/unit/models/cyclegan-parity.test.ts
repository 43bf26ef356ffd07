import { beforeAll, describe } from 'vitest';
import { useTestBackend } from '../../helpers/backend.js';
import { cycleganStepParityTest } from '../../helpers/parity/cyclegan-step-parity.js';

beforeAll(useTestBackend);

describe('one CycleGAN step equals the reference', () => {
  // 1e-4 (fixtures/reference/README.md): PyTorch varies by ~1.5e-6 across thread counts, and a
  // wrong layer or gradient moves images and losses by ≥ 1e-2.
  cycleganStepParityTest({ visual: 1e-4, lossRel: 1e-4 });
});
