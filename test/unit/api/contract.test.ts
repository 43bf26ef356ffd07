// The contract: the renderer imports main/api, so it must stay free of Node and tfjs; its run
// options must match the engine's (same defaults, ranges and choices); every method has a schema.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, METHOD_SCHEMAS } from '../../../main/api/methods.js';
import { runOptionsSchema, type RunOptionsInput } from '../../../main/api/run-options.js';
import { modelOptionsSchema, resolveOptions, type ModelOptionsInput } from '../../../main/gan/models/options.js';

const apiDir = fileURLToPath(new URL('../../../main/api/', import.meta.url));

describe('main/api', () => {
  it('imports only zod, its own modules and the engine modules it shares, which stay free of Node and tfjs', () => {
    // The engine modules the contract shares (the option schema, the network geometry, the estimator).
    const shared = ['../gan/models/options.ts', '../gan/networks/names.ts', '../gan/networks/geometry.ts', '../gan/training/run-estimate.ts'].map((p) =>
      join(apiDir, p),
    );
    const files = [
      ...readdirSync(apiDir)
        .filter((n) => n.endsWith('.ts'))
        .map((n) => join(apiDir, n)),
      ...shared,
    ];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      const specifiers = [...src.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const s of specifiers) {
        const target = s.startsWith('.') ? join(dirname(f), s.replace(/\.js$/, '.ts')) : null;
        const ok = s === 'zod' || (target !== null && (dirname(target) === dirname(apiDir + 'x') || shared.includes(target)));
        expect(ok, `${f} imports ${s}`).toBe(true);
      }
    }
  });

  it('has an input schema for every method', () => {
    expect(METHOD_NAMES.length).toBeGreaterThan(20);
    for (const m of METHOD_NAMES) expect(typeof METHOD_SCHEMAS[m].safeParse).toBe('function');
  });

  it("resolves run options exactly as the engine's modelOptionsSchema does", () => {
    const inputs: RunOptionsInput[] = [
      { model: 'pix2pix' },
      { model: 'cyclegan' },
      { model: 'pix2pix', netG: 'resnet_9blocks', norm: 'instance', lambda_L1: 10, n_epochs: 3, max_dataset_size: 50 },
      { model: 'cyclegan', lambda_identity: 0, pool_size: 0, gan_mode: 'wgangp', direction: 'BtoA', input_nc: 1 },
    ];
    for (const input of inputs) expect(runOptionsSchema.parse(input)).toEqual(resolveOptions(input as ModelOptionsInput));
    // Same keys per model, so a new engine option fails here until the contract has it.
    for (const model of ['pix2pix', 'cyclegan'] as const) {
      expect(Object.keys(runOptionsSchema.parse({ model })).sort()).toEqual(Object.keys(modelOptionsSchema.parse({ model })).sort());
    }
  });

  it('refuses what the engine refuses', () => {
    const bad: unknown[] = [
      { model: 'pix2pix', lr: 0 },
      { model: 'pix2pix', netG: 'unet_512' },
      { model: 'cyclegan', batch_size: 65 },
      { model: 'cyclegan', input_nc: 2 },
      { model: 'pix2pix', crop_size: 300, load_size: 286 },
      { model: 'gan' },
    ];
    for (const b of bad) {
      expect(runOptionsSchema.safeParse(b).success, JSON.stringify(b)).toBe(false);
      expect(() => resolveOptions(b as ModelOptionsInput), JSON.stringify(b)).toThrow();
    }
  });
});
