import { beforeAll, describe } from 'vitest';
import { useTestBackend } from '../../helpers/backend.js';
import { pix2pixStepParityTest } from '../../helpers/parity/pix2pix-step-parity.js';

beforeAll(useTestBackend);

describe('one pix2pix step equals the reference', () => {
  // As for the CycleGAN step: 1e-4 on fake_B and relative on the losses.
  pix2pixStepParityTest({ visual: 1e-4, lossRel: 1e-4 });
});
