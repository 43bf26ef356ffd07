import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../../main/studio/index.js';

const root = mkdtempSync(path.join(tmpdir(), 'tandem-folders-'));
let studio: Studio;

beforeAll(async () => {
  studio = await Studio.open({ dataDir: path.join(root, 'data') });
  const tree = path.join(root, 'tree');
  mkdirSync(path.join(tree, 'photos', 'summer'), { recursive: true });
  mkdirSync(path.join(tree, 'notes'));
  mkdirSync(path.join(tree, '.hidden'));
  for (const n of ['a.jpg', 'b.PNG', 'readme.txt']) writeFileSync(path.join(tree, 'photos', n), 'x');
  writeFileSync(path.join(tree, 'file.png'), 'x');
});
afterAll(async () => {
  await studio.close();
  rmSync(root, { recursive: true, force: true });
});

describe('fs.listFolders (the browser studio’s folder picker)', () => {
  it('lists sub-folders with their image counts, hides dot-folders, knows its parent', async () => {
    const tree = path.join(root, 'tree');
    const r = await studio.request('fs.listFolders', { path: tree });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.result.path).toBe(tree);
    expect(r.result.parent).toBe(root);
    expect(r.result.entries).toEqual([
      { name: 'notes', path: path.join(tree, 'notes'), images: 0 },
      { name: 'photos', path: path.join(tree, 'photos'), images: 2 },
    ]);
    expect(r.result.roots.map((x) => x.label)).toContain('Home');
    const hidden = await studio.request('fs.listFolders', { path: tree, showHidden: true });
    expect(hidden.ok && hidden.result.entries.map((e) => e.name)).toContain('.hidden');
  });

  it('says clearly when the folder is missing, a file, or not absolute', async () => {
    const missing = await studio.request('fs.listFolders', { path: path.join(root, 'nope') });
    expect(missing).toMatchObject({ ok: false, error: { code: 'folder-missing' } });
    const file = await studio.request('fs.listFolders', { path: path.join(root, 'tree', 'file.png') });
    expect(file).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const relative = await studio.request('fs.listFolders', { path: 'tree' });
    expect(relative).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});
