// Projects, the dataset index and the folder watchers, on real folders and a real SQLite file.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../../main/api/events.js';
import type { Studio } from '../../../main/studio/studio.js';
import { writeTruncatedJpeg } from '../../helpers/image-files.js';
import { openStudio, tempDir, until, unwrap, writeImages } from './helpers.js';

let tmp: { dir: string; cleanup: () => Promise<void> };
let studio: Studio;
let A: string;
let B: string;

beforeEach(async () => {
  tmp = await tempDir();
  A = join(tmp.dir, 'images', 'A');
  B = join(tmp.dir, 'images', 'B');
  await writeImages(A, ['cat.png', 'dog.png', 'owl.png']);
  await writeImages(B, ['cat.png', 'dog.png', 'fox.png']);
  studio = await openStudio(join(tmp.dir, 'data'));
});

afterEach(async () => {
  await studio.close();
  await tmp.cleanup();
});

describe('projects', () => {
  it('creates, lists, gets, renames and deletes, never touching the images', async () => {
    const p = unwrap(await studio.request('projects.create', { name: 'Cats', layout: 'paired-folders', folderA: A, folderB: B }));
    expect(p).toMatchObject({
      name: 'Cats',
      kind: 'paired',
      layout: 'paired-folders',
      status: 'ready',
      counts: { files: 6, unreadable: 0 },
    });
    expect(p.artifactDir).toBe(join(tmp.dir, 'data', 'projects', p.id));
    expect(existsSync(p.artifactDir)).toBe(true);

    const u = unwrap(await studio.request('projects.create', { name: 'Seasons', layout: 'unpaired', folderA: A, folderB: B }));
    expect(u.kind).toBe('unpaired');
    expect(unwrap(await studio.request('projects.list', {})).map((x) => x.name)).toEqual(['Cats', 'Seasons']);

    expect(unwrap(await studio.request('projects.rename', { projectId: p.id, name: '  Big cats ' })).name).toBe('Big cats');
    expect(unwrap(await studio.request('projects.get', { projectId: p.id })).name).toBe('Big cats');

    const gone = unwrap(await studio.request('projects.delete', { projectId: p.id, deleteArtifacts: true }));
    expect(gone).toEqual({ projectId: p.id, deletedArtifacts: true });
    expect(existsSync(p.artifactDir)).toBe(false);
    expect(existsSync(join(A, 'cat.png')) && existsSync(join(B, 'fox.png'))).toBe(true);
    const missing = await studio.request('projects.get', { projectId: p.id });
    expect(missing.ok ? null : missing.error.code).toBe('not-found');
  });

  it('refuses folders that do not exist, overlap, or are relative, with the field named', async () => {
    const r1 = await studio.request('projects.create', { name: 'x', layout: 'unpaired', folderA: A, folderB: join(tmp.dir, 'nope') });
    expect(r1.ok ? null : r1.error).toMatchObject({ code: 'folder-missing', field: 'folderB' });
    const r2 = await studio.request('projects.create', { name: 'x', layout: 'unpaired', folderA: A, folderB: join(A, 'sub') });
    expect(r2.ok).toBe(false);
    const r3 = await studio.request('projects.create', { name: 'x', layout: 'aligned', folder: 'relative/path' });
    expect(r3.ok ? null : r3.error).toMatchObject({ code: 'invalid-input', field: 'folder' });
    expect(unwrap(await studio.request('projects.list', {}))).toEqual([]);
  });
});

describe('dataset index and health', () => {
  it('indexes sizes, hashes and unreadable files, pages through them, and summarises health', async () => {
    await writeTruncatedJpeg(join(A, 'broken.jpg'));
    await writeFile(join(A, 'notes.txt'), 'not an image');
    const p = unwrap(await studio.request('projects.create', { name: 'Cats', layout: 'paired-folders', folderA: A, folderB: B }));
    const page = unwrap(await studio.request('datasets.list', { projectId: p.id, role: 'A', limit: 2 }));
    expect(page.total).toBe(4);
    expect(page.items.map((i) => i.relPath)).toEqual(['broken.jpg', 'cat.png']);
    expect(page.items[1]).toMatchObject({ width: 24, height: 24, status: 'ok', url: `/files/${p.id}/A/cat.png` });
    expect(page.items[1]!.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(page.items[0]).toMatchObject({ status: 'unreadable' });
    expect(page.items[0]!.reason).toMatch(/truncated|unreadable/);

    const bad = unwrap(await studio.request('datasets.list', { projectId: p.id, status: 'unreadable' }));
    expect(bad.items.map((i) => i.relPath)).toEqual(['broken.jpg']);

    const h = unwrap(await studio.request('datasets.health', { projectId: p.id }));
    expect(h.usable).toBe(2); // cat and dog pair up
    expect(h.unmatched).toEqual({ A: ['broken', 'owl'], B: ['fox'] });
    expect(h.unreadableTotal).toBe(1);
    expect(h.duplicates.length).toBeGreaterThan(0); // cat.png is the same solid image in A and B
    expect(h.problems.join(' ')).toMatch(/cannot be read/);
  });

  it('lists a two-folder project as pairs matched over the whole index, with partners missing on either side', async () => {
    await writeImages(B, ['owl.jpg']);
    const p = unwrap(await studio.request('projects.create', { name: 'Cats', layout: 'paired-folders', folderA: A, folderB: B }));
    const all = unwrap(await studio.request('datasets.pairs', { projectId: p.id, limit: 2, offset: 1 }));
    expect(all).toMatchObject({ total: 4, matched: 3, unmatched: 1, offset: 1 });
    // cat, dog, fox, owl by name; owl.png in A pairs with owl.jpg in B (names match without extensions).
    expect(all.items.map((i) => [i.key, i.A?.relPath ?? null, i.B?.relPath ?? null])).toEqual([
      ['dog', 'dog.png', 'dog.png'],
      ['fox', null, 'fox.png'],
    ]);
    const lonely = unwrap(await studio.request('datasets.pairs', { projectId: p.id, only: 'unmatched' }));
    expect(lonely.items.map((i) => i.key)).toEqual(['fox']);
    expect(unwrap(await studio.request('datasets.pairs', { projectId: p.id, only: 'matched' })).items.map((i) => i.B!.relPath)).toEqual([
      'cat.png',
      'dog.png',
      'owl.jpg',
    ]);
    const u = unwrap(await studio.request('projects.create', { name: 'Seasons', layout: 'unpaired', folderA: A, folderB: B }));
    const refused = await studio.request('datasets.pairs', { projectId: u.id });
    expect(refused.ok ? null : refused.error).toMatchObject({ code: 'invalid-input' });
  });

  it('updates the index and tells subscribers within 2 s of files added, changed and removed', async () => {
    const p = unwrap(await studio.request('projects.create', { name: 'Cats', layout: 'unpaired', folderA: A, folderB: B }));
    const events: StudioEvent[] = [];
    studio.subscribe((e) => events.push(e));
    expect(events[0]!.event).toBe('snapshot');

    const t0 = Date.now();
    await writeImages(A, ['new.png', 'sub/deep.png']);
    await until(
      async () => unwrap(await studio.request('projects.get', { projectId: p.id })).counts.files === 8,
      2000,
      'two added files in the index',
    );
    const added = Date.now() - t0;
    expect(events.some((e) => e.event === 'dataset.changed' && e.data.projectId === p.id && e.data.added > 0)).toBe(true);

    const t1 = Date.now();
    await rm(join(A, 'cat.png'));
    await until(
      async () => unwrap(await studio.request('projects.get', { projectId: p.id })).counts.files === 7,
      2000,
      'a removed file to leave the index',
    );
    const removed = Date.now() - t1;

    await writeFile(join(A, 'dog.png'), 'now garbage');
    await until(
      async () => unwrap(await studio.request('datasets.list', { projectId: p.id, status: 'unreadable' })).total === 1,
      2000,
      'a changed file re-read',
    );
    expect(events.some((e) => e.event === 'project.changed')).toBe(true);
    console.log(`index latency: add ${added} ms, remove ${removed} ms`);
  });

  it("marks a project 'folder missing' when a folder is renamed away, and recovers when it returns", async () => {
    const p = unwrap(await studio.request('projects.create', { name: 'Cats', layout: 'unpaired', folderA: A, folderB: B }));
    const moved = join(tmp.dir, 'images', 'A-moved');
    await rename(A, moved);
    const missing = await until(
      async () => {
        const x = unwrap(await studio.request('projects.get', { projectId: p.id }));
        return x.status === 'folder missing' ? x : undefined;
      },
      2000,
      "status 'folder missing'",
    );
    expect(missing.statusReason).toContain(A);
    expect(missing.folders.find((f) => f.role === 'A')!.present).toBe(false);
    // The index is kept while the folder is away: a rename back costs no re-reading.
    expect(missing.counts.files).toBe(6);
    const start = await studio.request('runs.start', { projectId: p.id });
    expect(start.ok ? null : start.error.code).toBe('folder-missing');

    await rename(moved, A);
    await writeImages(A, ['while-away.png']);
    const back = await until(
      async () => {
        const x = unwrap(await studio.request('projects.get', { projectId: p.id }));
        return x.status === 'ready' && x.counts.files === 7 ? x : undefined;
      },
      3000,
      'recovery',
    );
    expect(back.statusReason).toBeNull();

    // Deleted outright, then created again.
    await rm(B, { recursive: true });
    await until(
      async () => unwrap(await studio.request('projects.get', { projectId: p.id })).status === 'folder missing',
      2000,
      'missing after delete',
    );
    await mkdir(B);
    await until(
      async () => {
        const x = unwrap(await studio.request('projects.get', { projectId: p.id }));
        return x.status === 'ready' && x.counts.files === 4;
      },
      3000,
      'recovered with an empty B',
    );
  });
});
