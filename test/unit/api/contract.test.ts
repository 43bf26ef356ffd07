// The contract: the renderer imports main/api, so it must stay free of Node and tfjs; its run
// options must match the engine's (same defaults, ranges and choices); every method has a schema.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, METHOD_SCHEMAS } from '../../../main/api/methods.js';

const apiDir = fileURLToPath(new URL('../../../main/api/', import.meta.url));

describe('main/api', () => {
  it('imports only zod, its own modules and the zod-only engine option schema', () => {
    // The engine modules the contract shares must themselves stay zod-only.
    const shared = { '../gan/models/options.js': '../gan/models/options.ts', '../gan/networks/names.js': '../gan/networks/names.ts' };
    const files = [
      ...readdirSync(apiDir)
        .filter((n) => n.endsWith('.ts'))
        .map((n) => join(apiDir, n)),
      ...Object.values(shared).map((p) => join(apiDir, p)),
    ];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      const specifiers = [...src.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]!);
      for (const s of specifiers) {
        const ok = s === 'zod' || /^\.\/[\w-]+\.js$/.test(s) || s in shared || s === '../networks/names.js';
        expect(ok, `${f} imports ${s}`).toBe(true);
      }
    }
  });

  it('has an input schema for every method', () => {
    expect(METHOD_NAMES.length).toBeGreaterThan(20);
    for (const m of METHOD_NAMES) expect(typeof METHOD_SCHEMAS[m].safeParse).toBe('function');
  });
});
