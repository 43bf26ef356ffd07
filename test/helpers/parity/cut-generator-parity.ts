// The official anti-aliased CUT generator (latest_net_G.pth, ngf 8) on the current backend, against
// the official float output (test/fixtures/cut). Each backend's test file states its own bound.
import path from 'node:path';
import { expect, it } from 'vitest';
import { readTorchCheckpointFile } from '../../../main/gan/io/torch-checkpoint.js';
import { extractStateDict } from '../../../main/gan/io/torch-state-dict.js';
import { evalContext } from '../../../main/gan/layers/context.js';
import { defineCutG } from '../../../main/gan/networks/define-cut.js';
import { tf } from '../../../main/gan/tf.js';
import { CUT_DIR } from '../../unit/cut/cut-fixture.js';
import { readNpy } from '../../unit/io/helpers.js';
import { maxAbsDiff } from '../reference-fixtures.js';
import type { NetworkTolerance } from './tolerance.js';

const CASE = path.join(CUT_DIR, 'cut_resnet9_ngf8_antialias');

/** The generator's architecture in the official fixture (resnet_9blocks, anti-aliased down and up). */
export const CUT_G_ARCH = {
  netG: 'resnet_9blocks',
  inputNc: 3,
  outputNc: 3,
  norm: 'instance',
  useDropout: false,
  noAntialias: false,
  noAntialiasUp: false,
} as const;

function chwToNhwc(x: { shape: number[]; data: Float32Array }): tf.Tensor4D {
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  return tf.tidy(() => tf.transpose(tf.tensor4d(x.data, [1, c, h, w]), [0, 2, 3, 1]));
}

/** max |ours − official| over the generator's output. */
export async function officialGeneratorDiff(): Promise<number> {
  const { stateDict } = extractStateDict((await readTorchCheckpointFile(`${CASE}.pth`)).object);
  const g = defineCutG('G', { ...CUT_G_ARCH, ngf: 8 }, null);
  g.loadTorchStateDict(stateDict);
  const x = chwToNhwc(readNpy(`${CASE}.in.npy`));
  const expected = chwToNhwc(readNpy(`${CASE}.out.npy`));
  const y = g.forward(x, evalContext);
  const diff = await maxAbsDiff(y, expected);
  tf.dispose([x, expected, y]);
  g.dispose();
  return diff;
}

/** The official generator's output on the current backend (register inside a describe). */
export function cutGeneratorParityTest(tolerance: NetworkTolerance): void {
  it('the official anti-aliased CUT generator (resnet_9blocks, ngf 8) gives the official output', async () => {
    expect(await officialGeneratorDiff()).toBeLessThan(tolerance.output);
  });
}
