import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTorchCheckpointFile } from '../../../main/gan/io/torch-checkpoint.js';
import { extractStateDict } from '../../../main/gan/io/torch-state-dict.js';
import { defineCutD, defineCutG, defineF } from '../../../main/gan/networks/define-cut.js';
import { useTestBackend } from '../../helpers/backend.js';
import { CUT_G_ARCH as arch, CUT_G_CASE as CASE, cutGeneratorParityTest } from '../../helpers/parity/cut-generator-parity.js';
import { CUT_DIR } from './cut-fixture.js';

beforeAll(useTestBackend);

describe('the anti-aliased CUT generator', () => {
  it('loads the official latest_net_G.pth, filt buffers included', async () => {
    const { stateDict } = extractStateDict((await readTorchCheckpointFile(`${CASE}.pth`)).object);
    const g = defineCutG('G', { ...arch, ngf: 8 }, null);
    g.loadTorchStateDict(stateDict);
    const meta = JSON.parse(readFileSync(`${CASE}.json`, 'utf8')) as { param_count: number; state_dict_keys: number };
    expect(g.parameterCount()).toBe(meta.param_count);
    const saved = await g.torchStateDict();
    expect(saved.size).toBe(meta.state_dict_keys);
    // The blur filters are saved with the weights, as the official state_dict has them.
    expect([...saved.keys()].filter((k) => k.endsWith('.filt'))).toEqual([
      'model.7.filt',
      'model.11.filt',
      'model.21.filt',
      'model.25.filt',
    ]);
    expect(Array.from(saved.get('model.21.filt')!.data.slice(0, 4))).toEqual(Array.from(stateDict.get('model.21.filt')!.data.slice(0, 4)));
    g.dispose();
  });

  // float32 vs float64 of the same network differ by 2e-6; a wrong layer is off by > 1e-2.
  cutGeneratorParityTest({ output: 1e-4 });

  it('has the official parameter counts at ngf/ndf 64 and netF_nc 256, with or without anti-aliasing', () => {
    const counts = (JSON.parse(readFileSync(path.join(CUT_DIR, 'param_counts.json'), 'utf8')) as { param_counts: Record<string, number> })
      .param_counts;
    const g = defineCutG('G', { ...arch, ngf: 64 }, null);
    const d = defineCutD('D', { netD: 'basic', inputNc: 3, ndf: 64, nLayersD: 3, norm: 'instance', noAntialias: false }, null);
    const f = defineF('F', g, [0, 4, 8, 12, 16], 256, null);
    expect(g.parameterCount()).toBe(counts['G_resnet_9blocks_ngf64_instance_antialias']);
    expect(d.parameterCount()).toBe(counts['D_basic_ndf64_nlayers3_instance_antialias']);
    expect(f.parameterCount()).toBe(counts['F_mlp_sample_nc256']);
    expect([g.params.all().length, d.params.all().length, f.params.all().length]).toEqual([52, 13, 20]);
    expect(
      d.params
        .all()
        .filter((e) => e.role === 'blur_filter')
        .map((e) => e.name),
    ).toEqual(['model.2.filt', 'model.6.filt', 'model.10.filt']);
    const plainG = defineCutG('G2', { ...arch, ngf: 64, noAntialias: true, noAntialiasUp: true }, null);
    expect(plainG.parameterCount()).toBe(counts['G_no_antialias_no_antialias_up']);
    for (const n of [g, d, f, plainG]) n.dispose();
  });
});
