import { beforeAll, describe, expect, it } from 'vitest';
import { defineG } from '../../../main/gan/networks/define.js';
import { useTestBackend } from '../../helpers/backend.js';
import { networkParityTests } from '../../helpers/parity/network-parity.js';
import { readParityFixture, stateDictOf } from '../../helpers/reference-fixtures.js';

beforeAll(useTestBackend);

describe('networks give the reference outputs for the reference weights', () => {
  // PyTorch itself varies by ~1.5e-6 between thread counts; 1e-4 (fixtures/reference/README.md)
  // leaves room for wasm's different summation order and catches any wrong layer (errors ≥ 1e-2).
  networkParityTests({ output: 1e-4 });

  it('refuses weights of another architecture, naming the keys', () => {
    const f = readParityFixture('resnet6_ngf8_instance');
    const g = defineG('G', { netG: 'resnet_9blocks', inputNc: 3, outputNc: 3, ngf: 8, norm: 'instance', useDropout: false }, null);
    expect(() => g.loadTorchStateDict(stateDictOf(f))).toThrow(
      /missing keys: model\.16\.conv_block\.1\.weight.*unexpected keys: model\.16\.weight/,
    );
    g.dispose();
  });
});
