import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

it('loading the jobs API does not load tfjs into the studio process', () => {
  const index = pathToFileURL(path.join(repo, 'main', 'jobs', 'index.ts')).href;
  // tfjs-core registers its engine as a global the moment it is imported.
  const script = `await import(${JSON.stringify(index)}); console.log(JSON.stringify({ tf: '_tfengine' in globalThis }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
  expect(JSON.parse(out.trim())).toEqual({ tf: false });
});
