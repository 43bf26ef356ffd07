// The contract: the renderer imports main/api, so it must stay free of Node and tfjs; its run
// options must match the engine's (same defaults, ranges and choices); every method has a schema.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, METHOD_SCHEMAS } from '../../../main/api/methods.js';

const apiDir = fileURLToPath(new URL('../../../main/api/', import.meta.url));

describe('main/api', () => {
  it('imports only zod, its own modules and the engine modules it shares, which stay free of Node and tfjs', () => {
    // The modules the contract shares: the option table, the network geometry, the estimator, and
    // the job kinds and states of the jobs protocol.
    const optionsDir = join(apiDir, '../options');
    const shared = [
      ...readdirSync(optionsDir).map((n) => join(optionsDir, n)),
      ...[
        '../gan/models/options.ts',
        '../gan/networks/names.ts',
        '../gan/networks/geometry.ts',
        '../gan/training/run-estimate.ts',
        '../jobs/job-names.ts',
      ].map((p) => join(apiDir, p)),
    ];
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
});
